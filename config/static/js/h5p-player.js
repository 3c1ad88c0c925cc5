// The lesson page's side of its H5P activities. Each activity plays in a sandboxed frame with an
// opaque origin (courses.views.h5p.h5p_player): the frame has no session and talks to this page
// only by postMessage. This page checks every message (sender, kind, activity, size, types) and
// alone sends statements and states to the server, with the pupil's session and CSRF token.
// Statements are batched, each with an id made here before its first send: a retry after a lost
// connection is recognised by the server and counted once. Typed answers are saved a moment after
// the pupil's last change, and whatever is still waiting goes with keepalive when the page hides.
(function () {
  "use strict";

  var configNode = document.getElementById("h5p-config");
  if (!configNode) return;
  var config = JSON.parse(configNode.textContent);
  var messages = config.messages;
  var players = Array.prototype.slice.call(document.querySelectorAll("[data-h5p-player]"));
  var KINDS = ["hello", "ready", "resize", "statement", "state", "failed", "unavailable"];
  var ID = /^[A-Za-z0-9_-]{1,64}$/;
  // Room for a state at its largest, its JSON escapes included.
  var MAX_MESSAGE_CHARS = 2 * config.maxStateBytes + 1024;
  var MAX_HEIGHT = 20000;

  var queue = []; // statements waiting: {statement, player}
  var batchTimer = null;
  var sending = false;
  var failures = 0;

  function format(template, values) {
    return template.replace(/%\((\w+)\)s/g, function (_, key) { return values[key]; });
  }

  function say(player, text) {
    var node = player.parentNode.querySelector("[data-h5p-status]");
    if (node) node.textContent = text;
  }

  function csrfToken() {
    var match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : "";
  }

  function newId() {
    if (window.crypto && window.crypto.randomUUID) return window.crypto.randomUUID();
    var bytes = window.crypto.getRandomValues(new Uint8Array(16));
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    var hex = Array.prototype.map.call(bytes, function (b) { return (b + 256).toString(16).slice(1); }).join("");
    return hex.slice(0, 8) + "-" + hex.slice(8, 12) + "-" + hex.slice(12, 16) + "-" + hex.slice(16, 20) + "-" + hex.slice(20);
  }

  function frameOf(player) {
    return player.querySelector("iframe");
  }

  function isObject(value) {
    return value !== null && typeof value === "object" && !Array.isArray(value);
  }

  // --- statements ---------------------------------------------------------------------------

  function cleanStatement(statement, player) {
    if (!isObject(statement) || !isObject(statement.verb) || !isObject(statement.object)) return null;
    if (typeof statement.verb.id !== "string" || typeof statement.object.id !== "string") return null;
    var iri = player.dataset.xapiIri;
    var objectId = statement.object.id;
    // An activity speaks for itself and its own sub-questions only.
    if (objectId !== iri && objectId.indexOf(iri + "?") !== 0) return null;
    var clean = { id: newId(), verb: statement.verb, object: statement.object };
    if (isObject(statement.result)) clean.result = statement.result;
    if (isObject(statement.context)) clean.context = statement.context;
    if (typeof statement.timestamp === "string") clean.timestamp = statement.timestamp;
    if (JSON.stringify(clean).length > config.maxStatementBytes) return null;
    return clean;
  }

  function scheduleBatch(delay) {
    if (batchTimer !== null || sending) return;
    batchTimer = window.setTimeout(function () {
      batchTimer = null;
      sendBatch(false);
    }, delay);
  }

  // « 2,6 » as French writes it.
  function number(value) {
    return Number(value).toLocaleString("fr-FR", { maximumFractionDigits: 3 });
  }

  function batchTold(batch, body) {
    var stored = body && Array.isArray(body.stored) ? body.stored : [];
    var duplicates = body && Array.isArray(body.duplicates) ? body.duplicates : [];
    var ignored = body && Array.isArray(body.ignored) ? body.ignored : [];
    var told = [];
    batch.forEach(function (item) {
      var statement = item.statement;
      var score = statement.result && statement.result.score;
      var topLevel = statement.object.id.indexOf("?") === -1;
      if (!topLevel || !score) return;
      var figures = { score: number(score.raw), max: number(score.max) };
      if (stored.indexOf(statement.id) !== -1 || duplicates.indexOf(statement.id) !== -1) {
        say(item.player, format(messages.saved, figures));
        told.push(item.player);
      } else if (ignored.indexOf(statement.id) !== -1) {
        // A teacher's or an editor's try: acknowledged, never counted (courses.services.xapi).
        say(item.player, format(messages.preview, figures));
        told.push(item.player);
      }
    });
    return told;
  }

  function sendBatch(leaving) {
    if (!queue.length || (sending && !leaving)) return;
    var batch = queue.slice(0, config.maxBatch);
    var request = fetch(config.xapiUrl, {
      method: "POST",
      credentials: "same-origin",
      keepalive: leaving,
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken(), Accept: "application/json" },
      body: JSON.stringify(batch.map(function (item) { return item.statement; }))
    });
    if (leaving) return; // the page goes: a retry after a failure is for the next visit
    sending = true;
    request.then(function (response) {
      if (response.status >= 500 || response.status === 429) throw new Error(String(response.status));
      return response.json().catch(function () { return {}; }).then(function (body) {
        queue = queue.slice(batch.length);
        var wasFailing = failures > 0;
        failures = 0;
        var players = batch.map(function (item) { return item.player; }).filter(function (p, i, all) {
          return all.indexOf(p) === i;
        });
        if (!response.ok) {
          // A refusal: sending it again would be refused again.
          var reason = (body && typeof body.detail === "string") ? body.detail : String(response.status);
          players.forEach(function (player) { say(player, format(messages.notSaved, { reason: reason })); });
          return;
        }
        var told = batchTold(batch, body);
        if (wasFailing) {
          players.forEach(function (player) { if (told.indexOf(player) === -1) say(player, messages.recorded); });
        }
      });
    }).catch(function () {
      failures += 1;
      var players = batch.map(function (item) { return item.player; });
      if (failures > 8) {
        players.forEach(function (player) { say(player, messages.gaveUp); });
        failures = 0;
        return "later";
      }
      players.forEach(function (player) { say(player, messages.retrying); });
      return new Promise(function (resolve) {
        window.setTimeout(resolve, Math.min(30000, 1000 * Math.pow(2, failures - 1)));
      });
    }).then(function (outcome) {
      sending = false;
      if (outcome !== "later" && queue.length) sendBatch(false);
    });
  }

  function onStatement(player, statement) {
    if (!config.authenticated) return;
    var clean = cleanStatement(statement, player);
    if (!clean) return;
    queue.push({ statement: clean, player: player });
    if (queue.length >= config.maxBatch) sendBatch(false);
    else scheduleBatch(config.batchDelayMs);
  }

  // --- states -------------------------------------------------------------------------------

  function stateUrl(player, key) {
    return player.dataset.stateUrl.replace(":dataType", key.dataType).replace(":subContentId", key.subContentId);
  }

  function stateBody(entry) {
    var body = new URLSearchParams();
    body.set("data", entry.data === null ? "0" : entry.data);
    body.set("preload", entry.preload ? "1" : "0");
    body.set("invalidate", entry.invalidate ? "1" : "0");
    return body;
  }

  function pendingStates(player) {
    if (!player.h5pStates) player.h5pStates = {};
    return player.h5pStates;
  }

  function sendState(player, name, leaving, attempt) {
    var pending = pendingStates(player);
    var entry = pending[name];
    if (!entry) return;
    delete pending[name];
    if (!Object.keys(pending).length) delete player.dataset.h5pPending;
    var request = fetch(stateUrl(player, entry), {
      method: "POST",
      credentials: "same-origin",
      keepalive: leaving,
      headers: { "X-CSRFToken": csrfToken(), Accept: "application/json" },
      body: stateBody(entry)
    });
    if (leaving) return;
    request.then(function (response) {
      if (response.status >= 500 || response.status === 429) throw new Error(String(response.status));
      if (response.ok) return;
      return response.json().catch(function () { return {}; }).then(function (body) {
        var reason = (body && typeof body.message === "string") ? body.message : String(response.status);
        say(player, format(messages.stateNotSaved, { reason: reason }));
      });
    }).catch(function () {
      // Lost connection: send it again later, unless a newer state took its place.
      if (pending[name] || attempt >= 8) return;
      pending[name] = entry;
      player.dataset.h5pPending = "true";
      say(player, messages.retrying);
      window.setTimeout(function () { sendState(player, name, false, attempt + 1); },
        Math.min(30000, 1000 * Math.pow(2, attempt)));
    });
  }

  function onState(player, data) {
    if (!config.authenticated) return;
    var subContentId = String(data.subContentId);
    if (!ID.test(subContentId) || typeof data.dataType !== "string" || !ID.test(data.dataType)) return;
    if (data.data !== null && typeof data.data !== "string") return;
    if (data.data !== null && data.data.length > config.maxStateBytes) return;
    var name = data.dataType + "/" + subContentId;
    var pending = pendingStates(player);
    pending[name] = {
      dataType: data.dataType,
      subContentId: subContentId,
      data: data.data,
      preload: data.preload === true,
      invalidate: data.invalidate === true
    };
    player.dataset.h5pPending = "true";
    // The latest state also becomes the one handed back if the frame is reloaded.
    if (name === "state/0" && data.data !== null) player.dataset.previousState = data.data;
    window.clearTimeout(player.h5pStateTimer);
    player.h5pStateTimer = window.setTimeout(function () {
      Object.keys(pending).forEach(function (key) { sendState(player, key, false, 0); });
    }, config.stateDelayMs);
  }

  // --- leaving ------------------------------------------------------------------------------

  function flushAll() {
    if (!config.authenticated) return;
    players.forEach(function (player) {
      window.clearTimeout(player.h5pStateTimer);
      Object.keys(pendingStates(player)).forEach(function (key) { sendState(player, key, true, 0); });
    });
    if (queue.length) {
      window.clearTimeout(batchTimer);
      batchTimer = null;
      sendBatch(true);
      queue = [];
    }
  }

  window.addEventListener("pagehide", flushAll);
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "hidden") flushAll();
  });

  // --- messages -----------------------------------------------------------------------------

  function init(player) {
    var frame = frameOf(player);
    if (!frame || !frame.contentWindow || player.dataset.h5pReady === "true") return;
    frame.contentWindow.postMessage({
      kind: "init",
      activity: player.dataset.h5pActivityId,
      save: config.authenticated === true,
      state: config.authenticated ? player.dataset.previousState || "" : ""
    }, "*");
  }

  function playerOfSource(source) {
    for (var i = 0; i < players.length; i++) {
      var frame = frameOf(players[i]);
      if (frame && source && frame.contentWindow === source) return players[i];
    }
    return null;
  }

  // Drops anything that is not one of this page's frames speaking, about its own activity, in
  // one of the few kinds of message, within size, with fields of the expected types.
  function accepted(event) {
    var player = playerOfSource(event.source);
    var data = event.data;
    if (!player || !isObject(data) || KINDS.indexOf(data.kind) === -1) return null;
    if (data.activity !== player.dataset.h5pActivityId) return null;
    var size;
    try { size = JSON.stringify(data).length; } catch (error) { return null; }
    if (size > MAX_MESSAGE_CHARS) return null;
    return player;
  }

  function onMessage(event) {
    var player = accepted(event);
    if (!player) {
      players.forEach(function (p) {
        if (event.source && frameOf(p) && frameOf(p).contentWindow === event.source) {
          p.dataset.h5pDropped = String(Number(p.dataset.h5pDropped || 0) + 1);
        }
      });
      return;
    }
    var data = event.data;
    switch (data.kind) {
      case "hello":
        init(player);
        break;
      case "ready":
        if (player.dataset.h5pReady !== "true") {
          player.dataset.h5pReady = "true";
          say(player, config.authenticated ? messages.ready : messages.anonymous);
        }
        break;
      case "resize":
        if (typeof data.height === "number" && isFinite(data.height)) {
          frameOf(player).style.height = Math.max(100, Math.min(MAX_HEIGHT, Math.ceil(data.height))) + "px";
        }
        break;
      case "statement":
        onStatement(player, data.statement);
        break;
      case "state":
        onState(player, data);
        break;
      case "failed":
        say(player, messages.failed);
        break;
      case "unavailable":
        say(player, messages.unavailable);
        break;
    }
  }

  window.addEventListener("message", onMessage);
  players.forEach(function (player) {
    var frame = frameOf(player);
    if (frame) frame.setAttribute("title", format(messages.frameTitle, { title: player.dataset.title }));
    say(player, messages.loading);
    // The frame says hello when its script runs; if that came before this script, this reaches it.
    init(player);
  });
})();
