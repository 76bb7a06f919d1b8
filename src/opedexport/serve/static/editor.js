// The editor's page: check a source with /v1/inspect, preview it, download with /v1/export.
// Only textContent is set from what the server returns; the HTML preview goes into a sandboxed frame.
"use strict";

(function () {
  const form = document.getElementById("source-form");
  const status = document.getElementById("status");
  const results = document.getElementById("results");
  let current = null; // {file: File, theme: string}

  function say(text, isError) {
    status.textContent = text;
    status.className = isError ? "error" : "";
  }

  function source() {
    const picked = document.getElementById("file").files[0];
    if (picked) return picked;
    const text = document.getElementById("pasted").value;
    if (!text.trim()) return null;
    const kind = document.getElementById("pasted-as").value;
    return new File([text], kind === "markdown" ? "pasted.md" : "pasted.txt", { type: "text/plain" });
  }

  async function post(path, params, file) {
    const body = new FormData();
    body.append("file", file, file.name);
    const query = new URLSearchParams(params).toString();
    const response = await fetch(path + (query ? "?" + query : ""), { method: "POST", body: body });
    if (!response.ok) {
      let message = response.status + " " + response.statusText;
      try {
        const error = await response.json();
        message = (error.file ? error.file + (error.line ? ":" + error.line : "") + ": " : "") + error.error;
      } catch (e) { /* not JSON */ }
      throw new Error(message);
    }
    return response;
  }

  function add(parent, tag, text, className) {
    const node = document.createElement(tag);
    if (text !== undefined && text !== null) node.textContent = text;
    if (className) node.className = className;
    parent.appendChild(node);
    return node;
  }

  function showMetadata(article) {
    const dl = document.getElementById("metadata");
    dl.replaceChildren();
    const authors = (article.authors || []).map(function (a) {
      return a.affiliation ? a.name + " (" + a.affiliation + ")" : a.name;
    });
    const rows = [
      ["Title", article.title],
      ["Subtitle", article.subtitle],
      ["Authors", authors.join("; ")],
      ["Date", article.date],
      ["Publication", article.publication],
      ["Language", article.lang],
    ];
    for (const [name, value] of rows) {
      add(dl, "dt", name);
      add(dl, "dd", value ? String(value) : "(none found)");
    }
  }

  function showRemoved(removed) {
    const list = document.getElementById("removed");
    list.replaceChildren();
    if (!removed.length) add(list, "li", "Nothing was removed.");
    for (const r of removed) {
      const item = add(list, "li");
      add(item, "span", "Line " + r.line + ": ");
      add(item, "mark", r.text);
      add(item, "span", " — " + r.rule, "rule");
    }
  }

  async function showSource(file, removed) {
    const box = document.getElementById("source-box");
    const list = document.getElementById("source");
    list.replaceChildren();
    box.hidden = /\.docx$/i.test(file.name);
    if (box.hidden) return;
    const byLine = new Map(removed.map(function (r) { return [r.line, r]; }));
    const lines = (await file.text()).replace(/\r\n?/g, "\n").split("\n");
    lines.forEach(function (text, index) {
      const item = add(list, "li");
      const hit = byLine.get(index + 1);
      if (hit) {
        add(item, "mark", text);
        add(item, "span", " — removed: " + hit.rule, "rule");
      } else {
        item.textContent = text;
      }
    });
  }

  function showNotes(data) {
    const list = document.getElementById("notes");
    list.replaceChildren();
    for (const n of data.notes || []) add(list, "li", n);
    for (const w of data.warnings || []) add(list, "li", "Warning: " + w);
    if (!list.children.length) add(list, "li", "None.");
  }

  function textOf(node) {
    if (typeof node.text === "string") return node.text;
    return (node.children || []).map(textOf).join("");
  }

  function inlinePreview(article) {
    const box = add(document.getElementById("preview"), "article");
    box.setAttribute("aria-label", "Article preview");
    add(box, "h3", article.title || "");
    for (const block of article.body || []) {
      const tag = block.type === "Heading" ? "h4" : block.type === "Quote" ? "blockquote" : "p";
      add(box, tag, textOf(block));
    }
  }

  async function showPreview(file, theme, article, formats) {
    const preview = document.getElementById("preview");
    preview.replaceChildren();
    if (formats.indexOf("html") >= 0) {
      try {
        const response = await post("/v1/export", { formats: "html", theme: theme }, file);
        const frame = document.createElement("iframe");
        frame.setAttribute("sandbox", "");
        frame.title = "Article preview";
        frame.srcdoc = await response.text();
        preview.appendChild(frame);
        return;
      } catch (e) { /* fall back to the inline preview */ }
    }
    inlinePreview(article);
  }

  function showDownloads(chosen) {
    const box = document.getElementById("downloads");
    box.replaceChildren();
    for (const fmt of chosen) {
      const button = add(box, "button", "Download " + fmt.toUpperCase());
      button.type = "button";
      button.dataset.formats = fmt;
    }
    if (chosen.length > 1) {
      const all = add(box, "button", "Download all (ZIP)");
      all.type = "button";
      all.dataset.formats = chosen.join(",");
    }
  }

  async function download(formats) {
    if (!current) return;
    say("Exporting " + formats + "…");
    try {
      const response = await post("/v1/export", { formats: formats, theme: current.theme }, current.file);
      const disposition = response.headers.get("Content-Disposition") || "";
      const match = /filename="([^"]+)"/.exec(disposition);
      const url = URL.createObjectURL(await response.blob());
      const link = document.createElement("a");
      link.href = url;
      link.download = match ? match[1] : "article";
      document.body.appendChild(link);
      link.click();
      link.remove();
      setTimeout(function () { URL.revokeObjectURL(url); }, 60000);
      say("Downloaded " + link.download + ".");
    } catch (e) {
      say(e.message, true);
    }
  }

  document.getElementById("downloads").addEventListener("click", function (event) {
    const target = event.target;
    if (target instanceof HTMLButtonElement && target.dataset.formats) download(target.dataset.formats);
  });

  form.addEventListener("submit", async function (event) {
    event.preventDefault();
    const file = source();
    if (!file) {
      say("Choose a file or paste the text first.", true);
      return;
    }
    const theme = document.getElementById("theme").value;
    const chosen = Array.from(form.querySelectorAll("input[name=formats]:checked")).map(function (b) { return b.value; });
    const available = Array.from(form.querySelectorAll("input[name=formats]")).map(function (b) { return b.value; });
    say("Checking " + file.name + "…");
    try {
      const data = await (await post("/v1/inspect", {}, file)).json();
      current = { file: file, theme: theme };
      showMetadata(data.article);
      showRemoved(data.removed);
      await showSource(file, data.removed);
      showNotes(data);
      showDownloads(chosen);
      results.hidden = false;
      await showPreview(file, theme, data.article, available);
      say("Checked " + file.name + ": " + data.removed.length + " line(s) removed.");
    } catch (e) {
      say(e.message, true);
    }
  });
})();
