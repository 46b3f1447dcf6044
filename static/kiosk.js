/* Umed kiosk: sign-in keypad, idle warning, audio buttons, exercises and lesson pages without
   reloading. Every page works without it. */
(function () {
  "use strict";
  var d = document;
  var SVG = "http://www.w3.org/2000/svg";

  function csrf() {
    var el = d.querySelector("input[name=csrf_token]");
    return el ? el.value : "";
  }

  // Any request resets the server's idle timer.
  var lastRequest = Date.now();
  var lastActivity = lastRequest;
  var nativeFetch = window.fetch;
  if (nativeFetch) {
    window.fetch = function () {
      lastRequest = Date.now();
      return nativeFetch.apply(this, arguments);
    };
  }

  // An icon from the sprite an icon on the page already uses.
  function iconUse(name) {
    var any = d.querySelector("svg use");
    var base = any ? (any.getAttribute("href") || "").split("#")[0] : "";
    var svg = d.createElementNS(SVG, "svg");
    var use = d.createElementNS(SVG, "use");
    [["class", "icon"], ["aria-hidden", "true"], ["focusable", "false"]].forEach(function (a) {
      svg.setAttribute(a[0], a[1]);
    });
    use.setAttribute("href", base + "#" + name);
    svg.appendChild(use);
    return svg;
  }

  /* ---- sign-in keypad ---- */
  function keypad(form) {
    var active = d.getElementById("active-field");
    var max = { learner_number: 20, pin: 6 };
    var fields = form.querySelectorAll(".keypad-field");

    function current() {
      return d.getElementById(max[active.value] ? active.value : "learner_number");
    }
    function setActive(name) {
      if (!max[name]) return;
      active.value = name;
      for (var i = 0; i < fields.length; i++) {
        fields[i].classList.toggle("is-active", fields[i].getAttribute("data-field") === name);
      }
    }
    function caret(el) {
      el.focus({ preventScroll: true });
      try { el.setSelectionRange(el.value.length, el.value.length); } catch (e) { /* no caret */ }
    }

    form.addEventListener("click", function (e) {
      var b = e.target.closest && e.target.closest("button[name=key]");
      if (!b || b.value === "ok" || !form.contains(b)) return; // "ok" submits normally
      e.preventDefault();
      var k = b.value, el = current();
      if (/^[0-9]$/.test(k)) {
        if (el.value.length < max[el.id]) el.value += k;
      } else if (k === "back") {
        el.value = el.value.slice(0, -1);
      } else if (k === "clear") {
        el.value = "";
      } else if (k === "next") {
        setActive("pin");
      } else if (max[k]) {
        setActive(k);
      }
      // After a tap (not a key press) the caret goes to the field, for physical keyboards.
      if (e.detail > 0 || b.classList.contains("select-field")) caret(current());
    });

    form.addEventListener("focusin", function (e) {
      if (max[e.target.id]) setActive(e.target.id);
    });

    // Enter in the number field goes on to the PIN while the PIN is still empty.
    form.addEventListener("keydown", function (e) {
      var pin = d.getElementById("pin");
      if (e.key === "Enter" && e.target.id === "learner_number" && pin && !pin.value) {
        e.preventDefault();
        setActive("pin");
        caret(pin);
      }
    });
  }

  /* ---- idle warning ---- */
  function idle(box) {
    var idleMs = (parseInt(box.getAttribute("data-idle"), 10) || 600) * 1000;
    var warnMs = (parseInt(box.getAttribute("data-warn"), 10) || 60) * 1000;
    var keepUrl = box.getAttribute("data-keepalive");
    var signin = box.getAttribute("data-signin") || "/";
    var stayBtn = d.getElementById("idle-stay");
    var busy = false, leaving = false, before = null, retryAt = 0;

    function leave() {
      if (leaving) return;
      leaving = true;
      window.location.assign(signin);
    }
    function keepalive(force) {
      if (busy || !nativeFetch || (!force && Date.now() < retryAt)) return;
      busy = true;
      var sent = Date.now();
      nativeFetch.call(window, keepUrl, {
        method: "POST",
        credentials: "same-origin",
        headers: { "X-CSRFToken": csrf(), "Accept": "application/json" }
      }).then(function (r) {
        if (r.status === 401) { leave(); return; }
        if (!r.ok) throw new Error(r.status);
        lastRequest = Math.max(lastRequest, sent);
        return r.json().then(function (data) {
          if (data && data.idle_seconds > 0) idleMs = data.idle_seconds * 1000;
        }, function () {});
      }).then(null, function () {
        retryAt = Date.now() + 10000; // the warning comes back if this keeps failing
      }).then(function () {
        busy = false;
      });
    }
    function show() {
      if (!box.hidden) return;
      before = d.activeElement;
      box.hidden = false;
      if (stayBtn) stayBtn.focus();
    }
    function hide() {
      if (box.hidden) return;
      box.hidden = true;
      if (before && before.focus && d.contains(before)) before.focus({ preventScroll: true });
      before = null;
    }
    function stay() {
      hide();
      keepalive(true);
    }
    function activity() {
      lastActivity = Date.now();
      if (!box.hidden) stay();
    }
    function tick() {
      var now = Date.now(), since = now - lastRequest, warnAt = idleMs - warnMs;
      // Just after the server's limit, so this visit cannot revive the session.
      if (since > idleMs + 2000) { leave(); return; }
      // The server counts only requests: tell it quietly about taps that made none.
      var tapped = lastActivity > lastRequest;
      if (tapped && since > Math.min(idleMs / 2, warnAt)) keepalive();
      if (since >= warnAt && !(tapped && (busy || now >= retryAt))) show();
      else if (since < warnAt) hide();
    }

    ["pointerdown", "keydown", "touchstart"].forEach(function (type) {
      d.addEventListener(type, activity, { capture: true, passive: true });
    });
    if (stayBtn) stayBtn.addEventListener("click", stay);
    window.addEventListener("pageshow", function (e) {
      if (e.persisted) { lastActivity = Date.now(); keepalive(); }
    });
    setInterval(tick, 1000);
  }

  /* ---- audio buttons ---- */
  var audio = null, playingBtn = null;

  function mark(btn, on) {
    btn.classList.toggle("playing", on);
    btn.setAttribute("aria-pressed", on ? "true" : "false");
    var use = btn.querySelector("svg.icon use");
    if (use) use.setAttribute("href", use.getAttribute("href").split("#")[0] + (on ? "#pause" : "#speaker"));
  }

  function enhance(root) {
    /* A speaker comes as a plain audio control; its large button is made here. */
    var speakers = (root || d).querySelectorAll(".speaker > audio");
    for (var j = 0; j < speakers.length; j++) {
      var plainAudio = speakers[j], box = plainAudio.parentNode;
      var made = d.createElement("button");
      made.type = "button";
      made.className = "audio-btn";
      made.hidden = true;
      made.setAttribute("data-src", plainAudio.getAttribute("src"));
      made.setAttribute("aria-label", plainAudio.getAttribute("aria-label") || "");
      if (box.hasAttribute("data-autoplay")) made.setAttribute("data-autoplay", "");
      box.replaceChild(made, plainAudio);
    }
    var spans = (root || d).querySelectorAll(".audio, .speaker");
    for (var i = 0; i < spans.length; i++) {
      var btn = spans[i].querySelector("button.audio-btn[data-src]");
      var plain = spans[i].querySelector(".audio-plain");
      if (!btn || !btn.hidden) continue;
      if (!btn.querySelector("svg")) btn.insertBefore(iconUse("speaker"), btn.firstChild);
      btn.setAttribute("aria-pressed", "false");
      btn.hidden = false;
      if (plain) plain.hidden = true;
    }
  }

  /* A page of a course that says its instruction: its first ::: say speaker plays once, the
     first time the page is opened in this sign-in; never again by itself. */
  function sayOnce(root) {
    var article = (root || d).querySelector("[data-say-instruction]");
    var btn = article && article.querySelector("button.audio-btn[data-autoplay]");
    if (!btn) return;
    var key = "umed-said:" + location.pathname + location.search;
    try {
      if (sessionStorage.getItem(key)) return;
      sessionStorage.setItem(key, "1");
    } catch (err) { return; }
    btn.click();
  }

  d.addEventListener("click", function (e) {
    var btn = e.target.closest && e.target.closest("button.audio-btn[data-src]");
    if (!btn) return;
    if (btn === playingBtn && audio && !audio.paused) { audio.pause(); return; }
    if (btn !== playingBtn || !audio) {
      if (audio) audio.pause();
      audio = new Audio(btn.getAttribute("data-src"));
      playingBtn = btn;
      var off = function () { mark(btn, false); };
      audio.addEventListener("playing", function () { mark(btn, true); });
      audio.addEventListener("pause", off);
      audio.addEventListener("ended", off);
      audio.addEventListener("error", off);
    }
    var p = audio.play();
    if (p && p.catch) p.catch(function () { mark(btn, false); });
  });


  function send(url, data) {
    return fetch(url, {method: "POST", body: data, credentials: "same-origin",
      headers: {"Accept": "application/json", "X-CSRFToken": csrf()}});
  }
  function signinUrl() {
    var box = d.getElementById("idle-warning");
    return box ? box.getAttribute("data-signin") : "/";
  }
  /* ---- Exercises: answer without reloading, on-screen keyboards, tap-to-pair matching ---- */
  function el(tag, cls, text) {
    var node = d.createElement(tag);
    if (cls) node.className = cls;
    if (text != null) node.textContent = text;
    return node;
  }

  /* The page's on-screen keyboards are there from the start (form buttons that work without
     this script); here a key types into its exercise's box instead of sending the form.
     "osk" marks the keyboard of the box in use. */
  function keyboards(box) {
    var input = box.querySelector(".answer-text[data-keyboard]");
    var keys = box.querySelector(".keys");
    if (!input || !keys) return;
    function use() {
      d.querySelectorAll(".keys.osk").forEach(function (k) { if (k !== keys) k.classList.remove("osk"); });
      keys.classList.add("osk");
    }
    input.addEventListener("focus", use);
    keys.addEventListener("pointerdown", function (ev) { ev.preventDefault(); });
    keys.addEventListener("click", function (ev) {
      var b = ev.target.closest("button[data-key]");
      if (!b) return;
      ev.preventDefault();
      use();
      var k = b.getAttribute("data-key");
      input.value = k === "back" ? input.value.slice(0, -1) : (input.value + k).slice(0, input.maxLength > 0 ? input.maxLength : 4000);
      input.dispatchEvent(new Event("input", {bubbles: true}));
    });
  }

  function setupMatching(box) {
    var selects = box.querySelectorAll("select[data-left]");
    if (!selects.length || selects[0].disabled) return;
    var board = el("div", "tap-match");
    var lefts = el("div", "tap-col"), rights = el("div", "tap-col");
    var picked = null;
    function refresh() {
      lefts.querySelectorAll(".m-left").forEach(function (b) {
        var sel = box.querySelector("select[data-left='" + b.getAttribute("data-left") + "']");
        var opt = sel.options[sel.selectedIndex];
        b.querySelector(".m-pair").textContent = sel.value ? "→ " + opt.textContent : "";
        b.classList.toggle("is-paired", !!sel.value);
        b.classList.toggle("is-picked", b === picked);
        b.setAttribute("aria-pressed", b === picked ? "true" : "false");
      });
    }
    selects.forEach(function (sel) {
      var label = box.querySelector("label[for='" + sel.id + "']");
      var b = el("button", "m-left");
      b.type = "button";
      b.setAttribute("data-left", sel.getAttribute("data-left"));
      b.appendChild(el("span", "m-text", label ? label.textContent.trim() : ""));
      b.appendChild(el("span", "m-pair", ""));
      b.addEventListener("click", function () { picked = b; refresh(); });
      lefts.appendChild(b);
    });
    Array.from(selects[0].options).forEach(function (opt) {
      if (!opt.value) return;
      var b = el("button", "m-right", opt.textContent);
      b.type = "button";
      b.setAttribute("data-right", opt.value);
      b.addEventListener("click", function () {
        if (!picked) return;
        var sel = box.querySelector("select[data-left='" + picked.getAttribute("data-left") + "']");
        selects.forEach(function (other) { if (other.value === opt.value) other.value = ""; });
        sel.value = opt.value;
        picked = null;
        refresh();
      });
      rights.appendChild(b);
    });
    board.appendChild(lefts);
    board.appendChild(rights);
    var matching = box.querySelector(".matching");
    matching.hidden = true;
    matching.parentNode.insertBefore(board, matching);
    refresh();
  }

  function setupBox(box) {
    keyboards(box);
    setupMatching(box);
    var form = box.querySelector("form.exercise-form");
    if (!form) return;
    form.addEventListener("submit", function (ev) {
      ev.preventDefault();
      var data = new FormData(form);
      if (ev.submitter && ev.submitter.name && ev.submitter.name !== "key") {
        data.set(ev.submitter.name, ev.submitter.value);
      }
      data.delete("key");
      form.querySelectorAll("button").forEach(function (b) { b.disabled = true; });
      send(form.action, data).then(function (res) {
        if (res.status === 401) { window.location.href = signinUrl(); return null; }
        return res.json().then(function (body) { return {ok: res.ok, body: body}; });
      }).then(function (out) {
        if (!out) return;
        if (!out.ok) {
          form.querySelectorAll("button").forEach(function (b) { b.disabled = false; });
          var fb = box.querySelector(".feedback");
          fb.textContent = out.body.error || "";
          if (out.body.speaker) {  /* the message's own sound, made by the server */
            fb.insertAdjacentHTML("afterbegin", out.body.speaker);
            enhance(fb);
          }
          return;
        }
        var holder = d.createElement("div");
        holder.innerHTML = out.body.html;
        var fresh = holder.firstElementChild;
        box.replaceWith(fresh);
        setupBox(fresh);
        enhance(fresh);
        if (out.body.message) {
          var note = el("p", "flash flash-success", out.body.message);
          fresh.appendChild(note);
        }
        var focus = fresh.querySelector(".feedback");
        if (focus) { focus.setAttribute("tabindex", "-1"); focus.focus(); }
        refreshResult();
      }).catch(function () {
        // The network dropped: keep the same client id so a retry counts once.
        form.querySelectorAll("button").forEach(function (b) { b.disabled = false; });
      });
    });
  }

  /* The last page's result (score, passed or not yet, what next) after an answer there. */
  function refreshResult() {
    var old = d.getElementById("lesson-result");
    if (!old) return;
    fetch(old.getAttribute("data-url"), {credentials: "same-origin"}).then(function (res) {
      if (!res.ok || new URL(res.url).pathname.indexOf("/learn/") !== 0) return null;
      return res.text();
    }).then(function (html) {
      if (!html) return;
      var holder = d.createElement("div");
      holder.innerHTML = html;
      var fresh = holder.querySelector("#lesson-result");
      var now = d.getElementById("lesson-result");
      if (fresh && now) { now.replaceWith(fresh); enhance(fresh); }
    }).catch(function () { /* the page still shows it after a reload */ });
  }

  /* ---- Pages of a lesson without reloading ---- */
  function swapPage(url, push) {
    return fetch(url, {credentials: "same-origin", headers: {"X-Umed-Partial": "1"}})
      .then(function (res) {
        if (new URL(res.url).pathname.indexOf("/learn/") !== 0) {
          window.location.href = res.url;  // signed out (idle, replaced): the sign-in page
          return null;
        }
        return res.text().then(function (html) { return {html: html, url: res.url}; });
      }).then(function (out) {
        if (!out) return;
        var doc = new DOMParser().parseFromString(out.html, "text/html");
        var main = doc.getElementById("main");
        if (!main) { window.location.href = out.url; return; }
        d.getElementById("main").replaceWith(main);
        d.title = doc.title;
        if (push) history.pushState({}, "", out.url);
        main.querySelectorAll(".exercise-box").forEach(setupBox);
        enhance(main);
        sayOnce(main);
        window.scrollTo(0, 0);
        var h = main.querySelector("h1");
        if (h) { h.setAttribute("tabindex", "-1"); h.focus(); }
      }).catch(function () { window.location.href = url; });
  }
  d.addEventListener("click", function (ev) {
    var a = ev.target.closest(".pager a[href]");
    if (!a || ev.ctrlKey || ev.metaKey) return;
    ev.preventDefault();
    swapPage(a.href, true);
  });
  window.addEventListener("popstate", function () { swapPage(location.href, false); });

  function start() {
    var form = d.getElementById("keypad-form");
    if (form) {
      keypad(form);
      try { sessionStorage.clear(); } catch (err) { /* the next learner hears instructions */ }
    }
    var box = d.getElementById("idle-warning");
    if (box) idle(box);
    enhance(d);
    d.querySelectorAll(".exercise-box").forEach(setupBox);
    sayOnce(d);
  }

  window.Umed = { csrf: csrf, enhance: enhance };
  if (d.readyState === "loading") d.addEventListener("DOMContentLoaded", start);
  else start();
})();
