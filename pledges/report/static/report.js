/* The index of pledges: its filters, its search box, its pages of rows, the address of what it
   shows and the download of it. Its rows come from data/index.js (pledges/report/listing.py says
   their form); the words the search box looks through from data/search.js, loaded once a reader
   first searches. The filters are read from the address (index.html?actor=CN&status=kept), and
   written back to it as they change, so that a view can be bookmarked and shared.

   Without this script the index shows its first page of rows, the filters stay hidden, and the
   list goes on in list/2.html. */
(function () {
  "use strict";
  const data = window.PLEDGES_INDEX;
  const form = document.getElementById("filters");
  const table = document.getElementById("pledges");
  const shown = document.getElementById("shown");
  if (!data || !form || !table || !shown) {
    return;
  }
  const SELECTS = ["kind", "status", "formality", "confidence", "audit"];
  const COLUMN = { kind: 3, status: 4, formality: 5, confidence: 6, audit: 8 };
  const PAGE = data.page;
  const rows = data.rows;
  const body = table.tBodies[0];
  const actorBox = document.getElementById("filter-actor");
  const actorHelp = document.getElementById("actor-help");
  const helpText = actorHelp.textContent;
  const search = document.getElementById("filter-search");
  const note = document.getElementById("view-note");
  const actions = document.getElementById("view-actions");
  const viewLink = document.getElementById("view-link");
  const pager = document.getElementById("script-pager");
  const previous = document.getElementById("page-previous");
  const next = document.getElementById("page-next");
  const selects = {};
  SELECTS.forEach(function (name) {
    selects[name] = document.getElementById("filter-" + name);
  });

  // Actors: their pages, and every way a reader may type one: its id, "Name (ID)", its name or
  // one of its aliases, looked up in that order (an id is never taken for another's alias).
  const actorPages = {};
  const byId = new Map();
  const byName = new Map(); // a name or an alias -> the ids it names (two actors may share one)
  function named(name, id) {
    const key = name.trim().toLowerCase();
    const ids = byName.get(key) || [];
    if (ids.indexOf(id) === -1) {
      ids.push(id);
    }
    byName.set(key, ids);
  }
  data.actors.forEach(function (actor) {
    const id = actor[0];
    actorPages[id] = actor[3] || "actors/" + id + ".html";
    byId.set(id.toLowerCase(), id);
    named(actor[1], id);
    actor[2].forEach(function (alias) { named(alias, id); });
  });
  // The list the actor box offers, made when the box is first used: thousands of options would
  // slow the opening of the page for readers who never filter by actor.
  function offerActors() {
    actorBox.removeEventListener("focus", offerActors);
    const options = document.createDocumentFragment();
    data.actors.forEach(function (actor) {
      const option = document.createElement("option");
      option.value = actor[0];
      option.label = actor[1];
      options.appendChild(option);
    });
    document.getElementById("actor-names").appendChild(options);
  }
  actorBox.addEventListener("focus", offerActors);

  let texts = null; // data/search.js, once loaded
  let loading = false;
  let unread = false; // data/search.js could not be read
  let matches = [];
  let start = 0;
  let firstView = true; // the rows in the page are those of the list's first page

  function format(n) {
    return n.toLocaleString("en-US");
  }

  // The actor typed: its id, or null (and the reason said beside the box) when there is none.
  function actorWanted() {
    const typed = actorBox.value.trim();
    let id = null;
    let problem = "";
    if (typed !== "") {
      const inParentheses = /\(([^()]*)\)$/.exec(typed);
      const ids = byName.get(typed.toLowerCase()) || [];
      if (byId.has(typed.toLowerCase())) {
        id = byId.get(typed.toLowerCase());
      } else if (inParentheses && byId.has(inParentheses[1].trim().toLowerCase())) {
        id = byId.get(inParentheses[1].trim().toLowerCase());
      } else if (ids.length === 1) {
        id = ids[0];
      } else if (ids.length > 1) {
        problem = "\u201c" + typed + "\u201d names " + ids.join(" and ") + ": type the id";
      } else {
        problem = "No actor is called \u201c" + typed + "\u201d: choose one from the list";
      }
    }
    if (problem) {
      actorBox.setAttribute("aria-invalid", "true");
      actorHelp.textContent = problem;
    } else {
      actorBox.removeAttribute("aria-invalid");
      actorHelp.textContent = helpText;
    }
    return id;
  }

  function loadSearch() {
    if (loading) {
      return;
    }
    loading = true;
    const script = document.createElement("script");
    script.src = "data/search.js";
    script.onload = function () {
      texts = window.PLEDGES_SEARCH;
      apply(false);
    };
    script.onerror = function () {
      unread = true;
      apply(false);
    };
    document.head.appendChild(script);
  }

  function apply(fromStart) {
    const actor = actorWanted();
    const chosen = SELECTS.filter(function (name) {
      return selects[name].value !== "";
    }).map(function (name) {
      return [COLUMN[name], data.values[name].indexOf(selects[name].value)];
    });
    let words = search.value.toLowerCase().split(/\s+/).filter(Boolean);
    let waiting = "";
    if (words.length && texts === null) {
      // Until its words are read, the other filters apply; then the search is applied too.
      waiting = unread
        ? "; the search could not read data/search.js, so its words are left out"
        : "; loading the search\u2026";
      words = [];
      loadSearch();
    }
    matches = [];
    for (let i = 0; i < rows.length; i += 1) {
      const row = rows[i];
      if (actor !== null && row[2].indexOf(actor) === -1) {
        continue;
      }
      if (!chosen.every(function (pair) { return row[pair[0]] === pair[1]; })) {
        continue;
      }
      if (!words.every(function (word) { return texts[i].indexOf(word) !== -1; })) {
        continue;
      }
      matches.push(i);
    }
    if (fromStart) {
      start = 0;
    } else if (start >= matches.length) {
      // A page past the end (an old address): the last page.
      start = Math.max(0, Math.ceil(matches.length / PAGE) - 1) * PAGE;
    }
    draw(waiting);
  }

  function cell(tr, text) {
    const td = document.createElement("td");
    td.textContent = text;
    tr.appendChild(td);
    return td;
  }

  function link(parent, href, text) {
    const a = document.createElement("a");
    a.href = href;
    a.textContent = text;
    parent.appendChild(a);
  }

  function drawRow(row) {
    const tr = document.createElement("tr");
    const first = cell(tr, "");
    link(first, row[10] || "pledges/" + row[0] + ".html", row[1]);
    first.appendChild(document.createElement("br"));
    const code = document.createElement("code");
    code.textContent = row[0];
    first.appendChild(code);
    const actors = cell(tr, "");
    row[2].forEach(function (id, n) {
      if (n) {
        actors.appendChild(document.createTextNode(" + "));
      }
      link(actors, actorPages[id] || "actors/" + id + ".html", id);
    });
    cell(tr, data.labels.kind[row[3]]);
    cell(tr, row[7]);
    cell(tr, data.labels.status[row[4]]);
    cell(tr, data.labels.formality[row[5]]);
    cell(tr, data.labels.confidence[row[6]]);
    cell(tr, row[9]).className = "state " + data.values.audit[row[8]];
    return tr;
  }

  function draw(waiting) {
    const end = Math.min(start + PAGE, matches.length);
    // The page holds the first rows of the list already: they are drawn only for another view.
    if (!firstView || start !== 0 || matches.length !== rows.length) {
      const drawn = document.createDocumentFragment();
      for (let n = start; n < end; n += 1) {
        drawn.appendChild(drawRow(rows[matches[n]]));
      }
      body.replaceChildren(drawn);
    }
    firstView = false;
    const of = matches.length === rows.length
      ? "All " + format(rows.length) + " pledges"
      : format(matches.length) + " of " + format(rows.length) + " pledges";
    shown.textContent = (matches.length > PAGE
      ? of + "; rows " + format(start + 1) + "\u2013" + format(end) + " shown"
      : of + " shown") + (waiting || "");
    pager.hidden = matches.length <= PAGE;
    previous.disabled = start === 0;
    next.disabled = end >= matches.length;
    remember();
    table.setAttribute("data-drawn", "true");
  }

  // The address of the view: its filters, its search and its page, for a bookmark or a link.
  function query() {
    const params = new URLSearchParams();
    const actor = actorWanted();
    if (actor !== null) {
      params.set("actor", actor);
    }
    SELECTS.forEach(function (name) {
      if (selects[name].value !== "") {
        params.set(name, selects[name].value);
      }
    });
    if (search.value.trim() !== "") {
      params.set("q", search.value.trim());
    }
    if (start > 0) {
      params.set("page", String(start / PAGE + 1));
    }
    const text = params.toString();
    return text ? "?" + text : "";
  }

  function remember() {
    const address = query();
    viewLink.href = "index.html" + address;
    try {
      history.replaceState(null, "", location.pathname + address);
    } catch (error) {
      // Some browsers refuse to change the address of a page opened from disk; the link above
      // still gives it.
    }
  }

  // The filters the address asks for; a value that is not one of a filter's is said, not kept.
  function fromAddress() {
    const params = new URLSearchParams(location.search);
    const refused = [];
    if (params.has("actor")) {
      actorBox.value = params.get("actor");
      if (actorWanted() === null && actorBox.value.trim() !== "") {
        refused.push("actor \u201c" + actorBox.value + "\u201d");
        actorBox.value = "";
        actorWanted();
      }
    }
    SELECTS.forEach(function (name) {
      const wanted = params.get(name);
      if (wanted === null || wanted === "") {
        return;
      }
      if (data.values[name].indexOf(wanted) === -1) {
        refused.push(name + " \u201c" + wanted + "\u201d");
      } else {
        selects[name].value = wanted;
      }
    });
    search.value = params.get("q") || "";
    const page = parseInt(params.get("page") || "1", 10);
    start = page > 1 ? (page - 1) * PAGE : 0;
    if (refused.length) {
      note.textContent = "The address asks for " + refused.join(" and ") +
        ", which the register does not hold; " + (refused.length > 1 ? "those filters are" :
        "that filter is") + " left open. Choose from the menus.";
      note.hidden = false;
    }
  }

  function csvCell(value) {
    let text = String(value);
    if (/^[=+\-@\t\r']/.test(text)) {
      text = "'" + text; // as `pledges export --excel` writes it: no spreadsheet runs a formula
    }
    return /[",\r\n]/.test(text) ? '"' + text.replace(/"/g, '""') + '"' : text;
  }

  function download() {
    const lines = [["id", "title", "actors", "kind", "status", "formality", "confidence",
      "target", "audit"].join(",")];
    matches.forEach(function (i) {
      const row = rows[i];
      lines.push([row[0], row[1], row[2].join(";"), data.values.kind[row[3]],
        data.values.status[row[4]], data.values.formality[row[5]],
        data.values.confidence[row[6]], row[7], data.values.audit[row[8]]].map(csvCell).join(","));
    });
    // A byte-order mark, so that a spreadsheet reads the file as UTF-8.
    const blob = new Blob(["\ufeff" + lines.join("\r\n") + "\r\n"], { type: "text/csv" });
    const a = document.createElement("a");
    a.href = URL.createObjectURL(blob);
    a.download = "pledges-shown.csv";
    document.body.appendChild(a);
    a.click();
    a.remove();
    setTimeout(function () { URL.revokeObjectURL(a.href); }, 1000);
  }

  form.addEventListener("input", function () { apply(true); });
  form.addEventListener("change", function () { apply(true); });
  form.addEventListener("reset", function (event) {
    // Reset by hand, so that the rows follow at once (the event comes before the form resets).
    event.preventDefault();
    actorBox.value = "";
    SELECTS.forEach(function (name) { selects[name].value = ""; });
    search.value = "";
    note.hidden = true;
    apply(true);
  });
  form.addEventListener("submit", function (event) { event.preventDefault(); apply(true); });
  // After a page is turned, the table has the focus (the button pressed may now be disabled).
  table.tabIndex = -1;
  previous.addEventListener("click", function () {
    start = Math.max(0, start - PAGE);
    draw("");
    table.focus();
  });
  next.addEventListener("click", function () {
    start += PAGE;
    draw("");
    table.focus();
  });
  document.getElementById("download-shown").addEventListener("click", download);

  fromAddress();
  form.hidden = false;
  actions.hidden = false;
  document.getElementById("static-pager").hidden = true;
  apply(false);
}());
