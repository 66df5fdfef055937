// Header search of the site and the offline bundle, on Pagefind's index (loaded piece by piece, so it stays light as the archive grows).
// The index's location comes from the page, so the site works under any base path (GitHub Pages project sites).
(function () {
  "use strict";
  var script = document.currentScript;
  var MAX_RESULTS = 20;
  var MAX_READ = 3 * MAX_RESULTS; // pages read to fill the list when some turn out not to match
  // Each shard of the index adds about 140 kB to a query (its metadata and the index chunks of
  // the query's words; bench/README.md). A query therefore searches this many shards first,
  // about 10,000 speeches, which keeps it under 2 MB however large the archive, and the next
  // ones only when these find too few pages or the reader asks.
  var SHARDS_AT_ONCE = 8;

  // Pagefind splits a Chinese query into words and ranks pages that have the words
  // anywhere; a reader typing 贫困村 means the word itself. Pages holding the exact
  // phrase therefore come first, then the pages holding its words.
  function isChineseRun(term) {
    return /^[\u3400-\u9fff]{2,}$/.test(term);
  }

  // The words Pagefind looks up for a query: the browser's segmentation, as in its runtime.
  function queryWords(term) {
    var lower = term.toLowerCase();
    if (typeof Intl.Segmenter === "undefined") return lower.split(/\s+/).filter(Boolean);
    return Array.from(new Intl.Segmenter("zh", { granularity: "word" }).segment(lower))
      .filter(function (part) { return part.isWordLike; })
      .map(function (part) { return part.segment; });
  }

  // BM25's term-frequency part, with Pagefind's default saturation (1.4) and length weight
  // (0.75), over the page's matches as Pagefind weighs them (a title counts more) and its
  // length against the archive's average. The query's rarity is the same for every page.
  function relevance(locations, length, averageLength) {
    var frequency = locations.reduce(function (sum, location) { return sum + location.weight; }, 0);
    var saturation = 1.4 * (0.25 + (0.75 * length) / averageLength);
    return (2.4 * frequency) / (saturation + frequency);
  }

  // The index is in shards, each ranked by Pagefind with its own statistics, and a shard in
  // which no page has a word of the query leaves that word out. So Pagefind's merged order
  // only chooses which pages to read; a page lacking a word of the query that other pages have
  // is dropped, and the rest are ordered on what does not depend on the split: the exact
  // phrase first, then relevance, then address.
  async function find(pagefind, term, averageLength) {
    var chinese = isChineseRun(term);
    var searches = [pagefind.search(term)];
    if (chinese) searches.unshift(pagefind.search('"' + term + '"'));
    var found = await Promise.all(searches);
    var plain = new Map();
    found[found.length - 1].results.forEach(function (result) { plain.set(result.id, result); });
    // Phrase matches first, then the plain query's other results; each by the number of the
    // page's matches, much the same in any shard, then by Pagefind's score, which is not (and
    // is the same for every phrase match).
    var phrase = chinese ? found[0].results : [];
    var inPhrase = new Set(phrase.map(function (result) { return result.id; }));
    var scored = function (result) { return plain.get(result.id) || result; };
    var candidates = phrase.concat(found[found.length - 1].results.filter(function (result) { return !inPhrase.has(result.id); }));
    candidates.sort(function (a, b) {
      return inPhrase.has(b.id) - inPhrase.has(a.id) || scored(b).words.length - scored(a).words.length || scored(b).score - scored(a).score;
    });
    var words = queryWords(term);

    async function read(result) {
      // The plain query's matches give the page's relevance; a phrase result, its excerpt.
      var data = await scored(result).data();
      var locations = data.weighted_locations;
      if (scored(result) !== result) data = await result.data();
      // Pagefind separates the words it indexed with zero-width spaces; a query word matches
      // the words it begins.
      var indexed = data.raw_content.toLowerCase().split(/[\u200b\s]+/);
      return {
        data: data,
        has: words.map(function (word) { return indexed.some(function (found) { return found.startsWith(word); }); }),
        exact: chinese && data.content.includes(term),
        score: relevance(locations, data.content.length, averageLength),
      };
    }

    var opened = [];
    var pages = [];
    var limit = Math.min(candidates.length, MAX_READ);
    for (var start = 0; pages.length < MAX_RESULTS && start < limit; start += MAX_RESULTS) {
      opened.push.apply(opened, await Promise.all(candidates.slice(start, Math.min(start + MAX_RESULTS, limit)).map(read)));
      var needed = words.map(function (word, i) { return opened.some(function (page) { return page.has[i]; }); });
      pages = opened.filter(function (page) { return needed.every(function (need, i) { return !need || page.has[i]; }); });
    }
    pages.sort(function (a, b) {
      return b.exact - a.exact || b.score - a.score || (a.data.url < b.data.url ? -1 : a.data.url > b.data.url ? 1 : 0);
    });
    return pages.slice(0, MAX_RESULTS).map(function (page) { return page.data; });
  }

  function addScript(url) {
    return new Promise(function (resolve, reject) {
      var tag = document.createElement("script");
      tag.src = url;
      tag.onload = function () {
        tag.remove();
        resolve();
      };
      tag.onerror = function () {
        tag.remove();
        reject(new TypeError("cannot load " + url));
      };
      document.head.append(tag);
    });
  }

  // Both editions search the archive's index, whose words are Simplified (the Traditional edition's
  // shows its pages' text in Traditional: build_scripts/hant_hooks.py). A query is folded to
  // Simplified with opencc-js (t2cn), loaded with the first query that has a Chinese character;
  // in the Traditional edition, so is the text a result is checked against.
  var HAN = /[\u3400-\u9fff\uf900-\ufaff]/;
  var simplifying = null;

  async function simplified(text) {
    if (!HAN.test(text)) return text;
    simplifying =
      simplifying ||
      addScript(script.dataset.opencc).then(
        function () { return window.OpenCC.Converter({ from: "t", to: "cn" }); },
        function (error) {
          simplifying = null; // the next query tries again
          throw error;
        }
      );
    return (await simplifying)(text);
  }

  // The Traditional edition's Pagefind: each result's stored text folded to Simplified for the
  // checks of find(); its title and excerpt stay as the reader sees them.
  function forEdition(index) {
    if (document.documentElement.lang !== "zh-Hant") return index;
    var search = index.pagefind.search;
    index.pagefind = Object.assign({}, index.pagefind, {
      search: async function (term, options) {
        var found = await search(term, options);
        found.results.forEach(function (result) {
          var data = result.data;
          result.data = async function () {
            var page = await data();
            var texts = await Promise.all([simplified(page.content), simplified(page.raw_content)]);
            return Object.assign({}, page, { content: texts[0], raw_content: texts[1] });
          };
        });
        return found;
      },
    });
    return index;
  }

  function decode(base64) {
    var text = atob(base64);
    var bytes = new Uint8Array(text.length);
    for (var i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
    return bytes;
  }

  // From file:// the browser refuses Pagefind's ES module and its fetch() calls, but runs
  // classic scripts. The offline bundle therefore holds the runtime as a classic script,
  // which asks this fetch for its files, and each file as a script that registers its
  // bytes in `files` under its path in the site; a file's script is added only when the
  // runtime asks for it.
  async function loadFromScripts(shards) {
    var root = new URL("..", shards[0]);
    var files = {};
    var loading = {}; // two searches may ask for the same file at once
    window.jianghuaPagefind = {
      files: files,
      fetch: async function (input) {
        // Pagefind asks for paths: it takes "file://" for the page's origin and strips it.
        var url = new URL(input, location.href);
        url.search = "";
        var inIndex = shards.some(function (shard) { return url.href.startsWith(shard.href); });
        if (!inIndex) throw new TypeError("not in the search index: " + url.href);
        var name = url.href.slice(root.href.length);
        loading[name] =
          loading[name] ||
          addScript(new URL(name + ".js", root).href).then(
            function () {
              var bytes = decode(files[name]);
              delete files[name];
              delete loading[name];
              return bytes;
            },
            function (error) {
              delete loading[name];
              throw error;
            }
          );
        return new Response(await loading[name]);
      },
    };
    await addScript(new URL("pagefind.js", shards[0]).href);
    return window.jianghuaPagefind.runtime;
  }

  // The first shard brings the runtime and its WebAssembly; each other shard merged into it
  // adds its entry, its metadata and, for each query, the index chunks of the query's words.
  // `widen(count)` merges the shards up to `count`, each once; `searched()` counts them.
  async function loadPagefind(shards, fromScripts) {
    var baseUrl = shards[0].pathname.replace(/pagefind\/$/, "");
    var options = { baseUrl: baseUrl };
    var pagefind;
    if (fromScripts) {
      pagefind = await loadFromScripts(shards);
      // A web worker cannot start from file://, so the runtime searches on the page itself.
      Object.assign(options, { basePath: shards[0].href, noWorker: true });
    } else {
      pagefind = await import(new URL("pagefind.js", shards[0]).href);
    }
    await pagefind.options(options); // the options of a call replace those of an earlier one
    var merges = [];
    function widen(count) {
      while (merges.length + 1 < Math.min(count, shards.length)) {
        merges.push(pagefind.mergeIndex(shards[merges.length + 1].href, { baseUrl: baseUrl }));
      }
      return Promise.all(merges);
    }
    await widen(SHARDS_AT_ONCE);
    return { pagefind: pagefind, widen: widen, searched: function () { return merges.length + 1; } };
  }

  // Results from the shards searched so far, widened while they find fewer pages than a list holds.
  async function searchShards(index, term, more, averageLength, stale) {
    if (more) await index.widen(index.searched() + SHARDS_AT_ONCE);
    var results = await find(index.pagefind, term, averageLength);
    while (results.length < MAX_RESULTS && !stale()) {
      var searched = index.searched();
      await index.widen(searched + SHARDS_AT_ONCE);
      if (index.searched() === searched) break;
      results = await find(index.pagefind, term, averageLength);
    }
    return results;
  }

  function render(list, status, term, results) {
    list.replaceChildren();
    status.textContent = results.length ? "找到 " + results.length + " 篇" : "没有找到“" + term + "”";
    results.forEach(function (data) {
      var item = document.createElement("li");
      var link = document.createElement("a");
      link.className = "jh-result";
      link.href = data.url;
      link.textContent = data.meta.title || data.url;
      var excerpt = document.createElement("p");
      excerpt.innerHTML = data.excerpt; // Pagefind escapes the page text and adds only <mark>
      item.append(link, excerpt);
      list.append(item);
    });
  }

  function start() {
    var header = document.querySelector(".md-header__inner");
    if (!header) return;
    var first = new URL(script.dataset.bundle, document.baseURI);
    var shards = [first];
    for (var number = 2; number <= Number(script.dataset.shards); number++) shards.push(new URL("../pagefind-" + number + "/", first));
    var averageLength = Number(script.dataset.length);
    var speeches = Number(script.dataset.speeches);
    var box = document.createElement("div");
    box.className = "jh-search";
    box.setAttribute("role", "search");
    box.innerHTML =
      '<input type="search" placeholder="搜索讲话" aria-label="搜索讲话" autocomplete="off">' +
      '<div class="jh-search__panel" hidden><p class="jh-search__status" aria-live="polite"></p><ol></ol>' +
      '<button type="button" class="jh-search__more" hidden></button></div>';
    header.insertBefore(box, header.querySelector(".md-header__source"));
    var input = box.querySelector("input");
    var panel = box.querySelector(".jh-search__panel");
    var status = box.querySelector(".jh-search__status");
    var list = box.querySelector("ol");
    var more = box.querySelector(".jh-search__more");
    var loaded = null; // Pagefind, loaded on the first query
    var latest = 0;

    async function show(term, wider) {
      var ticket = ++latest;
      if (!term) {
        panel.hidden = true;
        return;
      }
      loaded =
        loaded ||
        loadPagefind(shards, script.hasAttribute("data-scripts")).then(forEdition).catch(function (error) {
          loaded = null; // the next query tries again
          throw error;
        });
      var query = simplified(term); // its converter loads alongside Pagefind
      var index = await loaded;
      var stale = function () { return ticket !== latest; };
      var results = await searchShards(index, await query, wider, averageLength, stale);
      if (stale()) return;
      render(list, status, term, results);
      var rest = Math.round((speeches * (shards.length - index.searched())) / shards.length);
      more.hidden = rest === 0;
      more.textContent = "在其余约 " + rest.toLocaleString("zh-CN") + " 篇讲话中继续搜索";
      panel.hidden = false;
    }

    input.addEventListener("input", function () { show(input.value.trim(), false); });
    more.addEventListener("click", function () { show(input.value.trim(), true); });
    input.addEventListener("keydown", function (event) {
      if (event.key === "Escape") {
        input.value = "";
        panel.hidden = true;
      }
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
