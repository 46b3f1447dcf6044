/* Umed studio: the lesson editor's toolbar, live preview, problem marks and the sound recorder.
   Every page works without it (the Preview and Save buttons post the form). */
(function () {
  "use strict";
  var d = document;

  function csrf() {
    var el = d.querySelector("input[name=csrf_token]");
    return el ? el.value : "";
  }

  function postForm(url, data) {
    return fetch(url, {
      method: "POST", body: data, credentials: "same-origin",
      headers: { "Accept": "application/json", "X-CSRFToken": csrf() }
    }).then(function (r) {
      return r.json().then(function (body) {
        if (!r.ok) throw new Error(body.error || String(r.status));
        return body;
      });
    });
  }

  /* ---- the editor ---------------------------------------------------------------------- */

  function Editor(form) {
    this.form = form;
    this.text = d.getElementById("source");
    this.gutter = d.getElementById("gutter");
    this.notes = d.getElementById("notes");
    this.frame = d.getElementById("preview-frame");
    this.problems = d.getElementById("problems");
    this.mismatch = d.getElementById("mismatch");
    this.status = d.getElementById("tool-status");
    this.timer = null;
    this.asked = 0;
    this.edits = 0;     // changes typed so far
    this.formEdits = 0; // the changes the last form-posted preview showed
  }

  Editor.prototype.start = function () {
    var self = this, toolbar = d.getElementById("toolbar");
    if (toolbar) toolbar.hidden = false;
    this.text.addEventListener("input", function () { self.changed(); });
    if (toolbar) toolbar.addEventListener("click", function (e) {
      var b = e.target.closest("button[data-snippet]");
      if (!b) return;
      var snippet = b.getAttribute("data-snippet");
      if (b.hasAttribute("data-exercise")) snippet = snippet.split("{id}").join(self.freeId());
      self.insert(snippet);
    });
    var pick = d.getElementById("insert-media");
    if (pick) pick.addEventListener("change", function () {
      if (!pick.value) return;
      self.insert("\n\n" + pick.value + "\n\n");
      pick.value = "";
    });
    var upload = d.getElementById("upload-media");
    if (upload) upload.addEventListener("change", function () {
      if (upload.files.length) self.upload(upload.files[0]);
      upload.value = "";
    });
    d.addEventListener("click", function (e) {
      var a = e.target.closest && e.target.closest("a[href*='#line-']");
      if (!a || a.pathname !== location.pathname) return;
      e.preventDefault();
      self.goToLine(parseInt(a.hash.replace("#line-", ""), 10));
    });
    if (/^#line-\d+$/.test(location.hash)) this.goToLine(parseInt(location.hash.slice(6), 10));
    this.fit();
    if (this.frame) this.frame.addEventListener("load", function () {
      // A form-posted preview that lands after newer typing shows old text: refresh it.
      var doc = self.frame.contentDocument;
      if (self.edits !== self.formEdits && doc && doc.querySelector("main.kiosk-main")) {
        self.formEdits = self.edits;
        self.preview();
      }
    });
    if (this.frame && this.frame.getAttribute("src") === "about:blank") this.previewByForm();
    // Text typed before this script ran has had no preview yet.
    else if (this.text.value !== this.text.defaultValue) this.changed();
  };

  Editor.prototype.say = function (message) {
    if (this.status) this.status.textContent = message || "";
  };

  Editor.prototype.message = function (name) {
    var t = d.querySelector("template[data-editor-messages]");
    var el = t && t.content.querySelector("[data-msg='" + name + "']");
    return el ? el.textContent : "";
  };

  Editor.prototype.freeId = function () {
    var used = {}, re = /::([A-Za-z0-9-]+)::/g, m;
    while ((m = re.exec(this.text.value))) used[m[1]] = true;
    for (var n = 1; ; n++) if (!used["q" + n]) return "q" + n;
  };

  Editor.prototype.insert = function (snippet) {
    var t = this.text, start = t.selectionStart, end = t.selectionEnd;
    t.focus();
    t.setRangeText(snippet, start, end, "end");
    this.changed();
  };

  Editor.prototype.goToLine = function (line) {
    var lines = this.text.value.split("\n"), pos = 0;
    for (var i = 0; i < Math.min(line - 1, lines.length); i++) pos += lines[i].length + 1;
    this.text.focus();
    this.text.setSelectionRange(pos, pos + (lines[line - 1] || "").length);
    var row = d.getElementById("line-" + line);
    if (row) row.scrollIntoView({ block: "center" });
  };

  // One gutter row and one note row per line; the textarea grows with its text so the box
  // around the three scrolls them together.
  Editor.prototype.fit = function () {
    var count = this.text.value.split("\n").length;
    this.text.rows = count + 4;
    [this.gutter, this.notes].forEach(function (list, which) {
      if (!list) return;
      while (list.children.length > count) list.removeChild(list.lastChild);
      while (list.children.length < count) {
        var li = d.createElement("li");
        if (which === 0) {
          li.id = "line-" + (list.children.length + 1);
          li.textContent = String(list.children.length + 1);
        }
        list.appendChild(li);
      }
    });
  };

  Editor.prototype.mark = function (problems) {
    var byLine = {};
    problems.forEach(function (p) {
      var m = byLine[p.line] || (byLine[p.line] = { error: false, text: [] });
      m.error = m.error || !p.warning;
      m.text.push(p.message);
    });
    [this.gutter, this.notes].forEach(function (list, which) {
      if (!list) return;
      Array.prototype.forEach.call(list.children, function (li, i) {
        var m = byLine[i + 1];
        li.className = m ? (m.error ? "has-error" : "has-warning") : "";
        if (m) li.title = m.text.join("; "); else li.removeAttribute("title");
        if (which === 1) li.textContent = m ? m.text.join("; ") : "";
      });
    });
    if (!this.problems) return;
    var list = d.createElement("ul");
    list.className = "problems";
    var label = this.message("line");
    problems.forEach(function (p) {
      var li = d.createElement("li"), a = d.createElement("a");
      li.className = p.warning ? "warning" : "error";
      a.href = "#line-" + p.line;
      a.textContent = label.replace("{n}", p.line);
      li.appendChild(a);
      li.appendChild(d.createTextNode(": " + p.message));
      list.appendChild(li);
    });
    this.problems.textContent = "";
    if (problems.length) this.problems.appendChild(list);
    else {
      var ok = d.createElement("p");
      ok.className = "muted";
      ok.textContent = this.message("none");
      this.problems.appendChild(ok);
    }
  };

  Editor.prototype.showMismatch = function (lines) {
    if (!this.mismatch) return;
    this.mismatch.textContent = "";
    if (!lines.length) return;
    var list = d.createElement("ul");
    list.className = "problems";
    lines.forEach(function (text) {
      var li = d.createElement("li");
      li.className = "error";
      li.textContent = text;
      list.appendChild(li);
    });
    this.mismatch.appendChild(list);
  };

  Editor.prototype.changed = function () {
    var self = this;
    this.edits += 1;
    this.fit();
    clearTimeout(this.timer);
    this.timer = setTimeout(function () { self.preview(); }, 500);
  };

  // Without a kiosk page in the frame yet, the Preview button fills it (a normal form post).
  Editor.prototype.previewByForm = function () {
    var button = d.getElementById("preview-button");
    this.formEdits = this.edits;
    if (button && this.form.requestSubmit) this.form.requestSubmit(button);
  };

  Editor.prototype.preview = function () {
    var self = this, asked = ++this.asked;
    var doc = this.frame && this.frame.contentDocument;
    postForm(this.form.getAttribute("data-preview"), new FormData(this.form)).then(function (data) {
      if (asked !== self.asked) return;  // a newer preview is on its way
      self.mark(data.problems);
      self.showMismatch(data.mismatch);
      doc = self.frame && self.frame.contentDocument;
      var main = doc && doc.querySelector("main.kiosk-main");
      if (!main) { self.previewByForm(); return; }
      main.innerHTML = data.body;
      var win = self.frame.contentWindow;
      if (win && win.Umed && win.Umed.enhance) win.Umed.enhance(main);
      self.frame.setAttribute("data-updated", String(asked));
    }).then(null, function (error) { self.say(error.message); });
  };

  Editor.prototype.upload = function (file) {
    var self = this, data = new FormData();
    data.append("csrf_token", csrf());
    data.append("file", file, file.name);
    this.say(this.message("uploading"));
    return postForm(this.form.getAttribute("data-upload"), data).then(function (item) {
      self.say(self.message("uploaded").replace("{name}", item.name));
      self.insert("\n\n" + item.markdown + "\n\n");
      var pick = d.getElementById("insert-media");
      if (pick) {
        var option = d.createElement("option");
        option.value = item.markdown;
        option.textContent = item.name;
        pick.appendChild(option);
      }
      return item;
    }, function (error) { self.say(error.message); });
  };

  // A recording saved from the editor: it replaces the text's record:NAME mark, or is put
  // where the cursor is.
  Editor.prototype.recorded = function (item, mark) {
    var marker = "](record:" + mark + ")";
    if (mark && this.text.value.indexOf(marker) >= 0) {
      this.text.value = this.text.value.split(marker).join("](" + item.name + ")");
      this.changed();
    } else {
      this.insert("\n\n" + item.markdown + "\n\n");
    }
  };

  /* ---- the recorder -------------------------------------------------------------------- */

  function Recorder(panel, editor) {
    this.panel = panel;
    this.editor = editor;
    this.audio = panel.querySelector("[data-rec-audio]");
    this.statusEl = panel.querySelector("[data-rec-status]");
    this.nameField = panel.querySelector("[data-rec-name-field]");
    this.nameInput = panel.querySelector("#recording-name");
    this.titleEl = panel.querySelector("[data-rec-title]");
    this.defaultTitle = this.titleEl ? this.titleEl.textContent : "";
    this.defaultStatus = this.statusEl.textContent;
    this.stream = null;
    this.recorder = null;
    this.blob = null;
    this.target = null;
  }

  Recorder.prototype.msg = function (name) {
    var t = this.panel.querySelector("template[data-rec-messages]");
    var el = t && t.content.querySelector("[data-msg='" + name + "']");
    return el ? el.textContent : name;
  };

  Recorder.prototype.show = function (state, message) {
    var panel = this.panel;
    ["start", "stop", "again", "save"].forEach(function (name) {
      panel.querySelector("[data-rec='" + name + "']").hidden = state.indexOf(name) < 0;
    });
    if (message !== undefined) this.statusEl.textContent = message;
  };

  Recorder.prototype.open = function (button) {
    this.target = button;
    this.blob = null;
    this.audio.hidden = true;
    this.audio.removeAttribute("src");
    var mark = button.getAttribute("data-record-for");
    this.nameField.hidden = !!mark;
    if (this.titleEl) {
      this.titleEl.textContent = mark ? "«" + (button.getAttribute("data-label") || mark) + "»"
        : this.defaultTitle;
    }
    this.panel.hidden = false;
    this.show(["start"], this.defaultStatus);
    if (!navigator.mediaDevices || !window.MediaRecorder) {
      this.show([], this.msg("denied"));
    }
    this.panel.querySelector("[data-rec='start']").focus();
  };

  Recorder.prototype.start = function () {
    var self = this;
    navigator.mediaDevices.getUserMedia({ audio: true }).then(function (stream) {
      self.stream = stream;
      var type = ["audio/webm;codecs=opus", "audio/ogg;codecs=opus", "audio/webm"].filter(
        function (t) { return MediaRecorder.isTypeSupported && MediaRecorder.isTypeSupported(t); })[0];
      var chunks = [];
      self.recorder = type ? new MediaRecorder(stream, { mimeType: type }) : new MediaRecorder(stream);
      self.recorder.addEventListener("dataavailable", function (e) {
        if (e.data && e.data.size) chunks.push(e.data);
      });
      self.recorder.addEventListener("stop", function () {
        self.release();
        self.blob = new Blob(chunks, { type: self.recorder.mimeType || type || "audio/webm" });
        if (self.audio.src) URL.revokeObjectURL(self.audio.src);
        self.audio.src = URL.createObjectURL(self.blob);
        self.audio.hidden = false;
        self.show(["again", "save"], self.msg("listen"));
      });
      self.recorder.start();
      self.show(["stop"], self.msg("recording"));
    }, function () { self.show(["start"], self.msg("denied")); });
  };

  Recorder.prototype.release = function () {
    if (this.stream) this.stream.getTracks().forEach(function (t) { t.stop(); });
    this.stream = null;
  };

  Recorder.prototype.stop = function () {
    if (this.recorder && this.recorder.state !== "inactive") this.recorder.stop();
  };

  Recorder.prototype.close = function () {
    this.stop();
    this.release();
    this.panel.hidden = true;
    if (this.target) this.target.focus();
  };

  Recorder.prototype.save = function () {
    var self = this, button = this.target;
    var mark = button.getAttribute("data-record-for") || "";
    var name = mark || (this.nameInput.value || "").trim().toLowerCase();
    if (!/^[a-z0-9][a-z0-9-]*$/.test(name)) { this.show(["again", "save"], this.msg("name")); return; }
    var extension = (this.blob.type || "").indexOf("ogg") >= 0 ? "ogg" : "webm";
    var data = new FormData();
    data.append("csrf_token", csrf());
    data.append("file", this.blob, name + "." + extension);
    var url = button.getAttribute("data-save");
    if (!url) {
      url = this.editor.form.getAttribute("data-upload");
      data.append("name", name + "." + extension);
      data.append("unique", "1");
    }
    this.show([], this.msg("saving"));
    postForm(url, data).then(function (item) {
      self.show([], self.msg("saved"));
      if (button.getAttribute("data-save")) { location.reload(); return; }
      self.editor.recorded(item, mark);
      self.panel.hidden = true;
    }, function (error) {
      self.show(["again", "save"], self.msg("failed") + " " + error.message);
    });
  };

  function startRecorder(editor) {
    var panel = d.getElementById("recorder");
    if (!panel) return;
    var recorder = new Recorder(panel, editor);
    d.addEventListener("click", function (e) {
      var open = e.target.closest && e.target.closest("[data-record-for], [data-record-new]");
      if (open) { recorder.open(open); return; }
      var act = e.target.closest && e.target.closest("[data-rec]");
      if (!act || !panel.contains(act)) return;
      var name = act.getAttribute("data-rec");
      if (name === "start" || name === "again") recorder.start();
      else if (name === "stop") recorder.stop();
      else if (name === "save") recorder.save();
      else if (name === "close") recorder.close();
    });
  }

  function start() {
    var form = d.getElementById("editor");
    var editor = null;
    if (form && d.getElementById("source")) {
      editor = new Editor(form);
      editor.start();
    }
    startRecorder(editor);
  }

  if (d.readyState === "loading") d.addEventListener("DOMContentLoaded", start);
  else start();
})();
