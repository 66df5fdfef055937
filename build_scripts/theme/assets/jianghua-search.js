// Header search of the served site, on Pagefind's index (loaded piece by piece, so it stays light as the archive grows).
// The bundle's location comes from the page, so the site works under any base path (GitHub Pages project sites).
(function () {
  "use strict";
  var script = document.currentScript;
  var MAX_RESULTS = 20;

  // Pagefind splits a Chinese query into words and ranks pages that have the words
  // anywhere; a reader typing 贫困村 means the word itself. Pages holding the exact
  // phrase therefore come first, then the pages holding its words.
  function isChineseRun(term) {
    return /^[\u3400-\u9fff]{2,}$/.test(term);
  }

  async function find(pagefind, term) {
    var searches = [pagefind.search(term)];
    if (isChineseRun(term)) searches.unshift(pagefind.search('"' + term + '"'));
    var seen = new Set();
    var merged = [];
    (await Promise.all(searches)).forEach(function (search) {
      search.results.forEach(function (result) {
        if (!seen.has(result.id)) {
          seen.add(result.id);
          merged.push(result);
        }
      });
    });
    return Promise.all(merged.slice(0, MAX_RESULTS).map(function (result) { return result.data(); }));
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
    var bundle = new URL(script.dataset.bundle, document.baseURI);
    var box = document.createElement("div");
    box.className = "jh-search";
    box.setAttribute("role", "search");
    box.innerHTML =
      '<input type="search" placeholder="搜索讲话" aria-label="搜索讲话" autocomplete="off">' +
      '<div class="jh-search__panel" hidden><p class="jh-search__status" aria-live="polite"></p><ol></ol></div>';
    header.insertBefore(box, header.querySelector(".md-header__source"));
    var input = box.querySelector("input");
    var panel = box.querySelector(".jh-search__panel");
    var status = box.querySelector(".jh-search__status");
    var list = box.querySelector("ol");
    var pagefind = null;
    var latest = 0;

    input.addEventListener("input", async function () {
      var term = input.value.trim();
      var ticket = ++latest;
      if (!term) {
        panel.hidden = true;
        return;
      }
      if (!pagefind) {
        pagefind = await import(new URL("pagefind.js", bundle).href);
        await pagefind.options({ baseUrl: bundle.pathname.replace(/pagefind\/$/, "") });
      }
      var results = await find(pagefind, term);
      if (ticket !== latest) return;
      render(list, status, term, results);
      panel.hidden = false;
    });
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
