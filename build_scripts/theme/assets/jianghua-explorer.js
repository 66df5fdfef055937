// The explorer (讲话一览): every speech of the archive in one table, filtered, sorted and searched on the page.
// Its data is a script (explorer/data.js) rather than JSON, so that it loads from file:// as well.
// However large the archive, a change of filter is one pass over arrays of numbers, and only the
// first rows that match are drawn; the reader asks for more.
(function () {
  "use strict";
  var root = document.querySelector(".jh-explorer");
  if (!root) return;
  var STEP = 200;
  var form = root.querySelector(".jh-x-filters");
  var status = root.querySelector(".jh-x-status");
  var tbody = root.querySelector("tbody");
  var more = root.querySelector(".jh-x-more");
  var headers = Array.prototype.slice.call(root.querySelectorAll("th[data-key]"));
  var data = window.jianghuaExplorer;
  if (!data) {
    status.textContent = root.dataset.missing;
    return;
  }

  var field = {};
  data.fields.forEach(function (name, i) { field[name] = i; });
  var rows = data.speeches;
  var n = rows.length;
  var collator = new Intl.Collator("zh-CN", { numeric: true });

  function column(name) {
    var values = new Int32Array(n);
    for (var i = 0; i < n; i++) values[i] = rows[i][field[name]];
    return values;
  }

  var columns = {
    year: column("year"),
    office: column("office"),
    province: column("province"),
    place: column("place"),
    completeness: column("completeness"),
    collection: column("collection"),
  };
  var lowered = rows.map(function (row) { return row[field.title].toLowerCase(); });

  // ------------------------------------------------------------------ sorting

  // A row's rank in a column: the rank of its category's name, so that sorting 20,000 rows
  // compares numbers and the names are collated only once each. `last` (the unknown place, "—")
  // goes after every name.
  function nameRanks(names, last) {
    var order = names.map(function (_, i) { return i; });
    order.sort(function (a, b) {
      return (names[a] === last) - (names[b] === last) || collator.compare(names[a], names[b]);
    });
    var ranks = new Int32Array(names.length);
    order.forEach(function (category, rank) { ranks[category] = rank; });
    return ranks;
  }

  function first(list) { return list.map(function (entry) { return entry[0]; }); }

  function byCategory(values, ranks) {
    var keys = new Int32Array(n);
    for (var i = 0; i < n; i++) keys[i] = ranks ? ranks[values[i]] : values[i];
    return keys;
  }

  var levels = [];
  data.offices.forEach(function (office) { if (levels.indexOf(office[1]) < 0) levels.push(office[1]); });
  var sortKeys = {
    title: function () {
      var order = Array.from({ length: n }, function (_, i) { return i; });
      order.sort(function (a, b) { return collator.compare(rows[a][field.title], rows[b][field.title]); });
      var keys = new Int32Array(n);
      order.forEach(function (i, rank) { keys[i] = rank; });
      return keys;
    },
    office: function () {
      var names = data.offices.map(function (office) { return office[0]; });
      var byName = nameRanks(names);
      var ranks = data.offices.map(function (office, i) { return levels.indexOf(office[1]) * names.length + byName[i]; });
      return byCategory(columns.office, ranks);
    },
    place: function () { return byCategory(columns.place, nameRanks(data.places, "—")); },
    // By a speech's main topic (the one with most hits), in the taxonomy's order.
    topics: function () {
      var keys = new Int32Array(n);
      for (var i = 0; i < n; i++) keys[i] = rows[i][field.topics][0];
      return keys;
    },
    completeness: function () { return byCategory(columns.completeness); },
    collection: function () { return byCategory(columns.collection, nameRanks(first(data.collections))); },
  };
  var orders = {};

  // Rows are in the archive's order, which is by date; other columns sort by their key, then by date.
  function ascending(key) {
    if (!orders[key]) {
      var order = new Int32Array(n);
      for (var i = 0; i < n; i++) order[i] = i;
      if (key !== "date") {
        var keys = sortKeys[key]();
        order.sort(function (a, b) { return keys[a] - keys[b] || a - b; });
      }
      orders[key] = order;
    }
    return orders[key];
  }

  // ------------------------------------------------------------------ filtering

  var selects = {};
  Array.prototype.forEach.call(form.querySelectorAll("select"), function (select) { selects[select.name] = select; });
  var search = form.elements.q;
  var lists = {
    year: data.years,
    province: data.provinces,
    office: data.offices,
    topic: data.topics,
    completeness: data.completeness,
    collection: data.collections,
  };

  // The name of a category in the page's address: stable as the archive grows, unlike its index.
  function keyOf(name, entry) { return name === "office" ? entry[1] + "/" + entry[0] : entry[0]; }

  function option(entry, i) {
    var item = document.createElement("option");
    item.value = String(i);
    item.textContent = entry[0] + "（" + entry[entry.length - 1] + "）";
    return item;
  }

  Object.keys(lists).forEach(function (name) {
    var select = selects[name];
    var groups = {};
    lists[name].forEach(function (entry, i) {
      var parent = select;
      if (name === "office") {
        // Offices are grouped by the speaker's level, as on the browse pages.
        if (!groups[entry[1]]) {
          groups[entry[1]] = document.createElement("optgroup");
          groups[entry[1]].label = entry[1];
          select.appendChild(groups[entry[1]]);
        }
        parent = groups[entry[1]];
      }
      parent.appendChild(option(entry, i));
    });
  });

  var topicMembers = {};
  function inTopic(topic) {
    if (!topicMembers[topic]) {
      var members = new Uint8Array(n);
      for (var i = 0; i < n; i++) if (rows[i][field.topics].indexOf(topic) >= 0) members[i] = 1;
      topicMembers[topic] = members;
    }
    return topicMembers[topic];
  }

  function chosen(name) { return selects[name].value === "" ? -1 : Number(selects[name].value); }

  var state = { key: "date", descending: false, matches: [], shown: 0 };

  function filter() {
    var order = ascending(state.key);
    var wanted = ["year", "province", "office", "completeness", "collection"].map(function (name) {
      return [columns[name], chosen(name)];
    }).filter(function (test) { return test[1] >= 0; });
    var topic = chosen("topic") >= 0 ? inTopic(chosen("topic")) : null;
    var words = search.value.trim().toLowerCase().split(/\s+/).filter(Boolean);
    var matches = [];
    for (var k = 0; k < n; k++) {
      var i = state.descending ? order[n - 1 - k] : order[k];
      var ok = !topic || topic[i] === 1;
      for (var t = 0; ok && t < wanted.length; t++) ok = wanted[t][0][i] === wanted[t][1];
      for (var w = 0; ok && w < words.length; w++) ok = lowered[i].indexOf(words[w]) >= 0;
      if (ok) matches.push(i);
    }
    return matches;
  }

  // ------------------------------------------------------------------ drawing

  var labels = headers.map(function (th) { return th.textContent.trim(); });
  var speechUrl = root.dataset.speechUrl;

  function cell(tr, column, text, note) {
    var td = document.createElement("td");
    td.setAttribute("role", "cell");
    td.dataset.label = labels[column];
    td.className = "jh-x-" + headers[column].dataset.key;
    if (text !== null) td.appendChild(document.createTextNode(text));
    if (note) {
      var small = document.createElement("small");
      small.textContent = note;
      td.appendChild(small);
    }
    tr.appendChild(td);
    return td;
  }

  function row(i) {
    var speech = rows[i];
    var tr = document.createElement("tr");
    tr.setAttribute("role", "row");
    var date = speech[field.date];
    var mark = date.indexOf("（");
    cell(tr, 0, mark < 0 ? date : date.slice(0, mark), mark < 0 ? "" : date.slice(mark));
    var link = document.createElement("a");
    link.href = speechUrl.replace("ID", speech[field.id]);
    link.textContent = speech[field.title];
    cell(tr, 1, null).appendChild(link);
    var office = data.offices[speech[field.office]];
    cell(tr, 2, office[0], " · " + office[1]);
    cell(tr, 3, data.places[speech[field.place]]);
    cell(tr, 4, speech[field.topics].map(function (topic) { return data.topics[topic][0]; }).join("、"));
    var completeness = data.completeness[speech[field.completeness]];
    cell(tr, 5, completeness[0]).dataset.completeness = completeness[1];
    cell(tr, 6, data.collections[speech[field.collection]][0]);
    return tr;
  }

  function message(template, values) {
    return template.replace(/\{(\w+)\}/g, function (_, name) { return String(values[name]); });
  }

  function drawMore() {
    var part = document.createDocumentFragment();
    var end = Math.min(state.matches.length, state.shown + STEP);
    for (var k = state.shown; k < end; k++) part.appendChild(row(state.matches[k]));
    tbody.appendChild(part);
    state.shown = end;
    var left = state.matches.length - end;
    more.hidden = left === 0;
    more.textContent = message(root.dataset.more, { next: Math.min(STEP, left), left: left });
  }

  function filtered() {
    return search.value.trim() !== "" || Object.keys(lists).some(function (name) { return chosen(name) >= 0; });
  }

  function update() {
    state.matches = filter();
    state.shown = 0;
    tbody.replaceChildren();
    drawMore();
    var count = state.matches.length;
    var text = !filtered() ? root.dataset.all : count ? root.dataset.some : root.dataset.none;
    status.textContent = message(text, { count: count, total: n });
    remember();
  }

  // ------------------------------------------------------------------ the page's address

  // The filters and the order are kept in the address, so a filtered list can be cited and the
  // back button returns to it.
  function remember() {
    var params = new URLSearchParams();
    if (search.value.trim()) params.set("q", search.value.trim());
    Object.keys(lists).forEach(function (name) {
      if (chosen(name) >= 0) params.set(name, keyOf(name, lists[name][chosen(name)]));
    });
    if (state.key !== "date" || state.descending) params.set("sort", (state.descending ? "-" : "") + state.key);
    var hash = params.toString();
    history.replaceState(history.state, "", hash ? "#" + hash : location.pathname + location.search);
  }

  function restore() {
    var params = new URLSearchParams(location.hash.slice(1));
    search.value = params.get("q") || "";
    Object.keys(lists).forEach(function (name) {
      var wanted = params.get(name);
      var found = lists[name].findIndex(function (entry) { return keyOf(name, entry) === wanted; });
      selects[name].value = found >= 0 ? String(found) : "";
    });
    var sort = params.get("sort") || "date";
    state.descending = sort.charAt(0) === "-";
    state.key = sort.replace(/^-/, "");
    if (!headers.some(function (th) { return th.dataset.key === state.key; })) state.key = "date";
    showSort();
  }

  function showSort() {
    headers.forEach(function (th) {
      if (th.dataset.key === state.key) th.setAttribute("aria-sort", state.descending ? "descending" : "ascending");
      else th.removeAttribute("aria-sort");
    });
  }

  // On the header cell, not only its button: the theme draws the sort icon beside the button.
  headers.forEach(function (th) {
    th.addEventListener("click", function () {
      state.descending = state.key === th.dataset.key ? !state.descending : false;
      state.key = th.dataset.key;
      showSort();
      update();
    });
  });
  form.addEventListener("input", update);
  form.addEventListener("submit", function (event) { event.preventDefault(); });
  form.addEventListener("reset", function () { setTimeout(update, 0); });
  more.addEventListener("click", drawMore);
  restore();
  update();
})();
