// Loaded by h5p-standalone inside H5P's own frame, right after H5P core: the pupil's state goes
// to the player page (h5p-lecteur.js), never to the server from here (this frame has no session).
(function () {
  "use strict";
  var H5P = window.H5P;
  // In H5P's frame, the player page is the parent; content types without a frame run in the
  // player page itself (whose parent, the lesson page, is out of reach).
  var bridge = window.hemicycleBridge;
  try { bridge = bridge || window.parent.hemicycleBridge; } catch (error) { bridge = null; }
  if (!H5P || !bridge) return;

  // The sandbox's origin is opaque: reading localStorage throws, and H5P core reads it (its
  // offline queue, the clipboard). H5P gets a storage of its own that lasts as long as the page.
  try {
    window.localStorage.getItem("h5p");
  } catch (error) {
    var memory = {};
    var storage = {
      getItem: function (key) { return Object.prototype.hasOwnProperty.call(memory, key) ? memory[key] : null; },
      setItem: function (key, value) { memory[key] = String(value); },
      removeItem: function (key) { delete memory[key]; },
      clear: function () { memory = {}; },
      key: function (index) { return Object.keys(memory)[index] || null; }
    };
    Object.defineProperty(storage, "length", { get: function () { return Object.keys(memory).length; } });
    Object.defineProperty(window, "localStorage", { value: storage, configurable: true });
  }

  function cache(contentId, subContentId, dataType, value) {
    var contents = window.H5PIntegration.contents || (window.H5PIntegration.contents = {});
    var content = contents["cid-" + contentId] || (contents["cid-" + contentId] = {});
    var userData = content.contentUserData || (content.contentUserData = {});
    if (userData[subContentId] === undefined) userData[subContentId] = {};
    if (value === undefined) return userData[subContentId][dataType];
    userData[subContentId][dataType] = value;
  }

  H5P.setUserData = function (contentId, dataType, data, extras) {
    var options = H5P.jQuery.extend({ subContentId: 0, preloaded: true, deleteOnChange: false }, extras);
    var json;
    try { json = JSON.stringify(data); } catch (error) { return; }
    if (json === undefined || json === cache(contentId, options.subContentId, dataType)) return;
    cache(contentId, options.subContentId, dataType, json);
    bridge.state(options.subContentId, dataType, json, options.preloaded, options.deleteOnChange);
  };

  H5P.deleteUserData = function (contentId, dataType, subContentId) {
    var stored = cache(contentId, subContentId || 0, dataType);
    if (stored !== undefined) cache(contentId, subContentId || 0, dataType, null);
    bridge.state(subContentId || 0, dataType, null, false, false);
  };

  H5P.getUserData = function (contentId, dataType, done, subContentId) {
    var stored = cache(contentId, subContentId || 0, dataType);
    // As H5P core answers: nothing saved is undefined, a state invalidated by an update null.
    if (stored === undefined || stored === null) return done(undefined, undefined);
    if (stored === "RESET") return done(undefined, null);
    try { done(undefined, JSON.parse(stored)); } catch (error) { done(error); }
  };

  // Typed answers (an essay, fill-in-the-blanks) are handed on shortly after each change, not
  // only every saveFreq seconds: the lesson page keeps the latest and sends it even on leaving.
  var timer = null;
  function saveStates() {
    (H5P.instances || []).forEach(function (instance) {
      if (typeof instance.getCurrentState !== "function") return;
      var state = instance.getCurrentState();
      if (state !== undefined) H5P.setUserData(instance.contentId, "state", state, { deleteOnChange: true });
    });
  }
  function schedule() {
    if (!window.H5PIntegration || !window.H5PIntegration.saveFreq) return;
    window.clearTimeout(timer);
    timer = window.setTimeout(saveStates, 300);
  }
  document.addEventListener("input", schedule, true);
  document.addEventListener("change", schedule, true);
})();
