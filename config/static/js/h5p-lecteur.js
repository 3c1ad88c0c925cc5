// The H5P player page, inside the lesson page's sandboxed frame (opaque origin: no cookie, no
// access to the site). It waits for the lesson page's init message (the pupil's saved state),
// builds the player, and hands statements, states and its height to the lesson page by
// postMessage; the lesson page checks them and sends them to the server (h5p-player.js).
(function () {
  "use strict";

  var config = JSON.parse(document.getElementById("h5p-frame-config").textContent);
  var container = document.getElementById("h5p-content");
  var started = false;
  var lastHeight = 0;

  function post(kind, fields) {
    var message = { kind: kind, activity: config.activity };
    Object.keys(fields || {}).forEach(function (key) { message[key] = fields[key]; });
    window.parent.postMessage(message, config.parentOrigin);
  }

  function reportHeight() {
    var height = Math.ceil(document.documentElement.scrollHeight);
    if (height !== lastHeight) {
      lastHeight = height;
      post("resize", { height: height });
    }
  }

  // Called by h5p-frame.js from H5P's own frame (same opaque origin as this page).
  window.hemicycleBridge = {
    state: function (subContentId, dataType, data, preload, invalidate) {
      post("state", {
        subContentId: String(subContentId),
        dataType: String(dataType),
        data: data === null ? null : String(data),
        preload: preload === true,
        invalidate: invalidate === true
      });
    },
    statement: function (statement) {
      // Only JSON data crosses to the lesson page.
      post("statement", { statement: JSON.parse(JSON.stringify(statement)) });
    }
  };

  function options(state, save) {
    var result = {
      id: "h5p-" + config.activity,
      h5pJsonPath: config.h5pJsonPath,
      frameJs: config.frameJs,
      frameCss: config.frameCss,
      customJs: config.customJs,
      xAPIObjectIRI: config.xAPIObjectIRI,
      // In this page itself: a frame of H5P's own, inside this sandbox, would get an origin of
      // its own too, out of h5p-standalone's reach.
      embedType: "div",
      frame: false,
      icon: false,
      fullScreen: true
    };
    if (save) {
      // The actor is decided by the server (the logged-in user): nothing personal here.
      result.user = { name: "Hémicycle", mail: "eleve@hemicycle.invalid" };
      result.saveFreq = config.saveFreq;
      // H5P restores a state only when it comes with the player: contentUserData[0].state.
      if (state) result.contentUserData = [{ state: state }];
    } else {
      result.saveFreq = false;
    }
    return result;
  }

  // The statements of H5P's frame, once its core exists.
  function listen(tries) {
    var frame = container.querySelector("iframe");
    var core = frame && frame.contentWindow && frame.contentWindow.H5P;
    var source = core ? core : window.H5P;
    if (source && source.externalDispatcher) {
      source.externalDispatcher.on("xAPI", function (event) {
        window.hemicycleBridge.statement(event.data.statement);
      });
      post("ready");
      reportHeight();
    } else if (tries < 200) {
      window.setTimeout(function () { listen(tries + 1); }, 100);
    } else {
      post("failed");
    }
  }

  function build(state, save) {
    var Player = window.H5PStandalone && window.H5PStandalone.H5P;
    if (!Player) {
      post("unavailable");
      return;
    }
    new Player(container, options(state, save)).then(function () {
      listen(0);
    }).catch(function (error) {
      if (window.console) window.console.error(error);
      post("failed");
    });
  }

  window.addEventListener("message", function (event) {
    var data = event.data;
    if (started || event.source !== window.parent || event.origin !== config.parentOrigin) return;
    if (!data || data.kind !== "init" || data.activity !== config.activity) return;
    started = true;
    build(typeof data.state === "string" ? data.state : "", data.save === true);
  });

  if (window.ResizeObserver) new window.ResizeObserver(reportHeight).observe(document.documentElement);
  window.setInterval(reportHeight, 500);
  post("hello");
})();
