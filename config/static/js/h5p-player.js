// Plays the lesson's H5P activities with h5p-standalone, one after the other, and sends their
// xAPI statements to the server. Each statement gets an id before its first send, so a retry
// after a lost connection is recognised by the server and counted once.
(function () {
  "use strict";

  var configNode = document.getElementById("h5p-config");
  if (!configNode) return;
  var config = JSON.parse(configNode.textContent);
  var messages = config.messages;
  var players = Array.prototype.slice.call(document.querySelectorAll("[data-h5p-player]"));
  // Kept now: loading a first activity replaces the global that h5p-standalone defined.
  var Player = window.H5PStandalone && window.H5PStandalone.H5P;

  function format(template, values) {
    return template.replace(/%\((\w+)\)s/g, function (_, key) { return values[key]; });
  }

  function statusOf(player) {
    return player.parentNode.querySelector("[data-h5p-status]");
  }

  function say(player, text) {
    var node = statusOf(player);
    if (node) node.textContent = text;
  }

  function csrfToken() {
    var match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : "";
  }

  function newId() {
    if (window.crypto && window.crypto.randomUUID) return window.crypto.randomUUID();
    return "xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx".replace(/[xy]/g, function (c) {
      var r = (Math.random() * 16) | 0;
      return (c === "x" ? r : (r & 0x3) | 0x8).toString(16);
    });
  }

  function playerFor(objectId) {
    var base = String(objectId || "").split("?")[0];
    for (var i = 0; i < players.length; i++) {
      if (players[i].dataset.xapiIri === base) return players[i];
    }
    return null;
  }

  function send(statement, player, attempt) {
    return fetch(config.xapiUrl, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken(), Accept: "application/json" },
      body: JSON.stringify(statement)
    }).then(function (response) {
      if (response.status >= 500) throw new Error(String(response.status));
      return response.json().then(function (body) {
        if (!response.ok) {
          say(player, format(messages.notSaved, { reason: body.detail || response.status }));
          return;
        }
        var score = statement.result && statement.result.score;
        var topLevel = String(statement.object.id).indexOf("?") === -1;
        if (topLevel && score && body.stored.length) {
          say(player, format(messages.saved, { score: score.raw, max: score.max }));
        }
      });
    }).catch(function () {
      if (attempt >= 5) return;
      say(player, messages.retrying);
      window.setTimeout(function () { send(statement, player, attempt + 1); }, 1000 * Math.pow(2, attempt));
    });
  }

  function onStatement(event) {
    var statement = event.data && event.data.statement;
    if (!statement || !statement.object) return;
    var player = playerFor(statement.object.id);
    if (!player || !config.authenticated) return;
    send({
      id: newId(),
      verb: statement.verb,
      object: statement.object,
      result: statement.result,
      context: statement.context,
      timestamp: statement.timestamp
    }, player, 0);
  }

  function options(player) {
    var result = {
      id: player.id,
      h5pJsonPath: player.dataset.h5pJsonPath,
      frameJs: config.frameJs,
      frameCss: config.frameCss,
      customJs: config.customJs,
      xAPIObjectIRI: player.dataset.xapiIri,
      frame: false,
      icon: false,
      fullScreen: true
    };
    if (config.authenticated) {
      // The actor is decided by the server (the logged-in user): nothing personal here.
      result.user = { name: "Hémicycle", mail: "eleve@hemicycle.invalid" };
      result.saveFreq = config.saveFreq;
      result.ajax = { contentUserDataUrl: player.dataset.stateUrl };
      // H5P restores a state only when it comes with the player, not from a later request:
      // H5P core reads contentUserData[subContentId][dataType], the main content being 0.
      if (player.dataset.previousState) {
        result.contentUserData = [{ state: player.dataset.previousState }];
      }
    }
    return result;
  }

  function titleFrame(player) {
    var frame = player.querySelector("iframe");
    if (frame) frame.setAttribute("title", format(messages.frameTitle, { title: player.dataset.title }));
  }

  // Each player's frame has its own H5P core, set up a little after the player says it is
  // ready: listen to that one's statements as soon as it exists.
  function listen(player, tries) {
    var frame = player.querySelector("iframe");
    var core = frame && frame.contentWindow && frame.contentWindow.H5P;
    if (core && core.externalDispatcher) {
      core.externalDispatcher.on("xAPI", onStatement);
      player.dataset.h5pListening = "true";
    } else if ((tries || 0) < 100) {
      window.setTimeout(function () { listen(player, (tries || 0) + 1); }, 100);
    }
  }

  function start() {
    if (!Player) {
      players.forEach(function (player) { say(player, messages.unavailable); });
      return;
    }
    // One after the other, as h5p-standalone asks: each player sets up H5P's globals.
    players.reduce(function (previous, player) {
      return previous.then(function () {
        say(player, messages.loading);
        return new Player(player, options(player));
      }).then(function () {
        titleFrame(player);
        listen(player, 0);
        player.dataset.h5pReady = "true";
        say(player, config.authenticated ? messages.ready : messages.anonymous);
      }).catch(function () { say(player, messages.failed); });
    }, Promise.resolve());
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
