// framelens web: plain JavaScript, no build step. Loaded from /static (CSP script-src 'self').
// Every string from an article or an error goes into the page through textContent, never
// innerHTML: article text, metadata and evidence are hostile.
"use strict";

(function () {
  function $(sel, root) { return (root || document).querySelector(sel); }
  function el(tag, text, cls) {
    var e = document.createElement(tag);
    if (text !== undefined && text !== null) e.textContent = String(text);
    if (cls) e.className = cls;
    return e;
  }

  // ---- token (servers bound beyond 127.0.0.1 need it on every write) ----
  function tokenHeaders(headers) {
    headers = headers || {};
    var t = $("#token");
    if (t && t.value) headers["Authorization"] = "Bearer " + t.value;
    return headers;
  }
  function initToken() {
    var t = $("#token");
    if (!t) return;
    t.value = sessionStorage.getItem("framelens-token") || "";
    t.addEventListener("change", function () { sessionStorage.setItem("framelens-token", t.value); });
  }

  function errorText(body, status) {
    if (body && body.error) {
      return body.error.code + " " + body.error.message + (body.error.fix ? " — " + body.error.fix : "");
    }
    return "HTTP " + status;
  }

  function send(url, options) {
    options.headers = tokenHeaders(options.headers);
    return fetch(url, options).then(function (resp) {
      return resp.json().catch(function () { return null; }).then(function (body) {
        if (!resp.ok) throw new Error(errorText(body, resp.status));
        return body;
      });
    });
  }

  // ---- analyze page ----
  function initAnalyze() {
    var form = $("#analyze-form");
    if (!form) return;
    var status = $("#analyze-status");
    form.addEventListener("submit", function (ev) {
      ev.preventDefault();
      var files = $("#files").files;
      status.textContent = "analysing…";
      var req;
      if (files && files.length) {
        var data = new FormData();
        for (var i = 0; i < files.length; i++) data.append("files", files[i]);
        req = send("/api/analyze/files", { method: "POST", body: data }).then(function (body) {
          status.textContent = "";
          history.replaceState(null, "", "/?job=" + encodeURIComponent(body.job.id));
          watchJob(body.job.id, true);
        });
      } else {
        var payload = { text: $("#text").value };
        ["title", "author", "outlet", "published"].forEach(function (k) {
          var v = $("#" + k).value.trim();
          if (v) payload[k] = v;
        });
        req = send("/api/analyze", {
          method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(payload)
        }).then(function (body) {
          window.location.assign("/articles/" + encodeURIComponent(body.article.id));
        });
      }
      req.catch(function (err) { status.textContent = err.message; status.className = "error"; });
    });
    var fetchForm = $("#fetch-form");
    if (fetchForm) {
      fetchForm.addEventListener("submit", function (ev) {
        ev.preventDefault();
        status.textContent = "fetching…";
        send("/api/analyze/url", {
          method: "POST", headers: { "Content-Type": "application/json" },
          body: JSON.stringify({ url: $("#fetch-url").value })
        }).then(function (body) {
          window.location.assign("/articles/" + encodeURIComponent(body.article.id));
        }).catch(function (err) { status.textContent = err.message; status.className = "error"; });
      });
    }
    var job = $("#job");
    if (job && job.dataset.job) watchJob(job.dataset.job);
  }

  // redirect: a job of one article, started on this page, opens its view when done.
  function watchJob(id, redirect) {
    var box = $("#job");
    box.hidden = false;
    function show(job) {
      var bar = $("#job-bar");
      bar.max = Math.max(job.total, 1);
      bar.value = job.processed;
      var text = job.done + " of " + job.total + " analysed";
      if (job.failed_count) text += ", " + job.failed_count + " failed";
      text += " · " + job.rate_per_s.toFixed(2) + " articles/s";
      if (job.eta_s !== null) text += " · about " + Math.ceil(job.eta_s) + " s left";
      if (job.state === "finished") text += " · finished";
      $("#job-text").textContent = text;
      var list = $("#job-articles");
      list.textContent = "";
      job.articles.forEach(function (a) {
        var li = el("li");
        var link = el("a", a.title || a.id);
        link.href = "/articles/" + encodeURIComponent(a.id);
        li.appendChild(link);
        if (a.source) li.appendChild(el("span", " " + a.source, "muted"));
        list.appendChild(li);
      });
      var failed = $("#job-failed");
      failed.textContent = "";
      $("#job-failed-h").hidden = !job.failed.length;
      job.failed.forEach(function (f) {
        failed.appendChild(el("li", (f.source || "?") + ": " + f.code + " " + f.message + (f.fix ? " — " + f.fix : "")));
      });
    }
    function poll() {
      fetch("/api/jobs/" + encodeURIComponent(id)).then(function (r) { return r.json(); }).then(function (body) {
        if (!body.ok) { $("#job-text").textContent = errorText(body, 404); return; }
        show(body.job);
        if (body.job.state !== "finished") setTimeout(poll, 700);
        else if (redirect && body.job.total === 1 && body.job.articles.length === 1) {
          window.location.assign("/articles/" + encodeURIComponent(body.job.articles[0].id));
        }
      }).catch(function () { setTimeout(poll, 2000); });
    }
    poll();
  }

  // ---- article view: click a highlight to see its finding ----
  var analysis = null;
  function loadAnalysis() {
    if (analysis) return Promise.resolve(analysis);
    var id = document.body.dataset.articleId;
    return fetch("/api/articles/" + encodeURIComponent(id)).then(function (r) { return r.json(); })
      .then(function (body) { analysis = body; return body; });
  }

  function section(panel, title) {
    var s = el("section");
    s.appendChild(el("h3", title));
    panel.appendChild(s);
    return s;
  }
  function line(parent, label, value) {
    if (value === undefined || value === null || value === "") return;
    var p = el("p");
    p.appendChild(el("b", label + ": "));
    p.appendChild(document.createTextNode(String(value)));
    parent.appendChild(p);
  }

  function showFinding(span) {
    var panel = $("#finding");
    if (!panel) return;
    document.querySelectorAll(".selected, .pair").forEach(function (e) { e.classList.remove("selected", "pair"); });
    span.classList.add("selected");
    loadAnalysis().then(function (a) {
      panel.textContent = "";
      panel.hidden = false;
      var close = el("button", "×", "close");
      close.type = "button";
      close.setAttribute("aria-label", "close");
      close.addEventListener("click", function () { panel.hidden = true; });
      panel.appendChild(close);
      var d = span.dataset;
      if (d.quote !== undefined) {
        var q = a.quotes[+d.quote];
        var title = q.kind === "scare" ? "Scare quote"
          : q.kind === "stance" ? "Stance attributed to a source" : "Quote (" + q.kind + ")";
        var s = section(panel, title);
        s.dataset.kind = "quote";
        line(s, "text", q.content.text);
        if (q.speaker) {
          line(s, "speaker", q.speaker.name);
          var intro = (q.speaker.descriptions || []).map(function (x) { return x.text; }).join("; ");
          line(s, "introduced as", intro);
          if (q.speaker.resolved_from) line(s, "named in the text as", q.speaker.resolved_from.text);
        } else if (q.kind !== "scare" && q.kind !== "title") {
          line(s, "speaker", "none found");
        }
        if (q.cue) line(s, q.kind === "stance" ? "verb" : "reporting verb", q.cue.text);
      }
      if (d.claim !== undefined) {
        var c = a.claims[+d.claim];
        var cs = section(panel, "Check-worthy claim");
        line(cs, "claim", c.span.text);
        line(cs, "score", c.score.toFixed(2));
        (c.verdicts || []).forEach(function (v) {
          line(cs, v.label + " (" + v.score.toFixed(2) + ", " + v.collection + ")", v.passage.span.text);
        });
        if (!c.verdicts || !c.verdicts.length) line(cs, "verdict", "not checked against evidence");
      }
      if (d.contra !== undefined) {
        var k = a.contradictions[+d.contra];
        var disagree = k.kind === "disagreement";
        var ks = section(panel, disagree ? "Sources disagree" : "Contradiction");
        if (disagree) {
          line(ks, "between", (k.speakers || []).map(function (s) { return s.name; }).join(" vs "));
        }
        line(ks, "reason", k.reason);
        line(ks, "one", k.a.text);
        line(ks, "other", k.b.text);
        document.querySelectorAll('[data-contra="' + (+d.contra) + '"]').forEach(function (e) { e.classList.add("pair"); });
      }
      if (d.tech !== undefined) {
        var t = a.techniques[+d.tech];
        var ts = section(panel, "Persuasion technique");
        line(ts, "technique", t.technique.replace(/_/g, " "));
        var def = document.querySelector('#tech-defs [data-technique="' + CSS.escape(t.technique) + '"]');
        if (def) line(ts, "what it is", def.dataset.definition);
        line(ts, "span", t.span.text);
        line(ts, "score", t.score.toFixed(2));
      }
      if (d.actor !== undefined) {
        var act = a.actors.filter(function (x) { return x.id === d.actor; })[0];
        if (act) {
          var as = section(panel, d.label !== undefined ? "Label" : "Actor");
          line(as, "actor", act.name + " (" + act.type + ")");
          if (d.label !== undefined) {
            var lb = act.labels[+d.label];
            line(as, "label", lb.lemma + " — " + lb["class"] + (lb.construction ? ", " + lb.construction : ""));
          }
          line(as, "mentions", act.mention_count);
          if (act.sentiment) line(as, "portrayal", act.sentiment.label + " " + act.sentiment.score.toFixed(2));
        }
      }
      if (!panel.querySelector("section")) panel.appendChild(el("p", span.title, "muted"));
    });
  }

  function textRange(root, start, end) {
    // The article element's text is exactly the article text: walk its text nodes.
    var walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    var pos = 0, range = document.createRange(), node, began = false;
    while ((node = walker.nextNode())) {
      var len = node.nodeValue.length;
      if (!began && start <= pos + len) { range.setStart(node, Math.max(0, start - pos)); began = true; }
      if (began && end <= pos + len) { range.setEnd(node, Math.max(0, end - pos)); return range; }
      pos += len;
    }
    return null;
  }

  function initArticle() {
    var text = $("article.text");
    if (!text || !$("#finding")) return;
    text.addEventListener("click", function (ev) {
      var span = ev.target.closest("span[title]");
      if (span && text.contains(span)) showFinding(span);
    });
    var m = /^#at=(\d+)-(\d+)$/.exec(window.location.hash);
    if (m) {
      var range = textRange(text, +m[1], +m[2]);
      if (range) {
        var sel = window.getSelection();
        sel.removeAllRanges();
        sel.addRange(range);
        var box = range.getBoundingClientRect();
        window.scrollTo({ top: window.scrollY + box.top - 120 });
      }
    }
  }

  // ---- evidence page ----
  function initEvidence() {
    var add = $("#evidence-add");
    if (add) {
      add.addEventListener("submit", function (ev) {
        ev.preventDefault();
        var status = $(".status", add), failed = $(".failed", add);
        var name = $("#ev-collection").value.trim();
        var data = new FormData();
        var files = $("#ev-files").files;
        for (var i = 0; i < files.length; i++) data.append("files", files[i]);
        status.textContent = "indexing…";
        failed.textContent = "";
        send("/api/evidence/" + encodeURIComponent(name) + "/documents", { method: "POST", body: data })
          .then(function (body) {
            status.textContent = body.added.length + " added, " + body.failed.length + " failed";
            body.failed.forEach(function (f) { failed.appendChild(el("li", f.source + ": " + f.code + " " + f.message)); });
            if (!body.failed.length) window.location.reload();
          }).catch(function (err) { status.textContent = err.message; });
      });
    }
    var check = $("#evidence-check");
    if (check) {
      check.addEventListener("submit", function (ev) {
        ev.preventDefault();
        var status = $(".status", check);
        var payload = {};
        var id = $("#check-article").value;
        if (id) payload.article_id = id; else payload.text = $("textarea", check).value;
        status.textContent = "checking…";
        send("/api/evidence/" + encodeURIComponent($("#check-collection").value) + "/check", {
          method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(payload)
        }).then(function (body) {
          window.location.assign("/articles/" + encodeURIComponent(body.article.id) + "#claims");
        }).catch(function (err) { status.textContent = err.message; });
      });
    }
  }

  document.addEventListener("DOMContentLoaded", function () {
    initToken();
    initAnalyze();
    initArticle();
    initEvidence();
  });
})();
