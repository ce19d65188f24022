// The upload panel of the case form, progressively enhanced (without JavaScript the plain
// form posts every file at once and the page reloads):
// - drop or choose several files or zips; each file is sent on its own request, so each gets
//   its own progress bar and its own reason when refused, and the others carry on;
// - after upload, each file's processing status is polled until it is ready, waiting for an
//   editor or failed, and the list of images of the latest version is refreshed in place;
// - captions, moves and removals are sent without leaving the page;
// - leaving the page while files are still being sent asks for confirmation.
(function () {
  "use strict";
  var panel = document.querySelector("[data-upload-url]");
  if (!panel || !window.FormData || !window.fetch) { return; }
  var form = panel.querySelector("[data-upload-form]");
  var input = form.querySelector("input[type=file]");
  var queue = panel.querySelector("[data-upload-queue]");
  var draft = panel.querySelector("[data-draft-media]");
  var dropzone = panel.querySelector("[data-dropzone]");
  var token = form.querySelector("input[name=csrfmiddlewaretoken]").value;
  var maxBytes = Number(panel.getAttribute("data-max-file-bytes"));
  var PARALLEL = 3;
  var POLL_MS = 1500;
  var waiting = [];   // rows not sent yet
  var sending = 0;    // requests in flight
  var processing = {}; // uploaded file id -> row
  var pollTimer = null;

  panel.querySelector("[data-drop-hint]").hidden = false;
  input.required = false;

  function megabytes(bytes) {
    if (bytes >= 1 << 20) { return (bytes / (1 << 20)).toFixed(1) + " MB"; }
    return bytes >= 1024 ? Math.round(bytes / 1024) + " KB" : bytes + " bytes";
  }

  function addRow(file) {
    var row = document.createElement("li");
    row.className = "upload-row state-waiting";
    var name = document.createElement("span");
    name.className = "upload-name";
    name.textContent = file.name + " (" + megabytes(file.size) + ")";
    var bar = document.createElement("progress");
    bar.max = 100;
    bar.value = 0;
    bar.setAttribute("aria-label", "Upload of " + file.name);
    var status = document.createElement("span");
    status.className = "upload-status";
    status.textContent = "Waiting to upload";
    row.append(name, bar, status);
    queue.append(row);
    return { row: row, bar: bar, status: status, file: file };
  }

  function setState(entry, state, text) {
    entry.row.className = "upload-row state-" + state;
    entry.status.textContent = text;
    if (state !== "uploading") { entry.bar.hidden = state !== "processing"; }
    if (state === "processing") { entry.bar.removeAttribute("value"); }
  }

  function refuse(entry, text) {
    setState(entry, "failed", "Not uploaded: " + text);
  }

  function enqueue(files) {
    Array.prototype.forEach.call(files, function (file) {
      var entry = addRow(file);
      if (file.size === 0) {
        refuse(entry, "the file is empty (0 bytes).");
      } else if (maxBytes && file.size > maxBytes) {
        refuse(entry, "the file is too large: at most " + megabytes(maxBytes) + " per file.");
      } else {
        waiting.push(entry);
      }
    });
    pump();
  }

  function pump() {
    while (sending < PARALLEL && waiting.length) {
      send(waiting.shift());
    }
  }

  function send(entry) {
    sending += 1;
    var data = new FormData();
    data.append("csrfmiddlewaretoken", token);
    data.append("files", entry.file, entry.file.name);
    var request = new XMLHttpRequest();
    request.open("POST", panel.getAttribute("data-upload-url"));
    request.setRequestHeader("Accept", "application/json");
    request.setRequestHeader("X-CSRFToken", token);
    request.upload.addEventListener("progress", function (event) {
      if (event.lengthComputable) {
        entry.bar.value = Math.round((event.loaded / event.total) * 100);
        setState(entry, "uploading", "Uploading " + entry.bar.value + "%");
      }
    });
    request.addEventListener("load", function () {
      var body = {};
      try { body = JSON.parse(request.responseText); } catch (error) { body = {}; }
      if (request.status === 202 && body.files && body.files.length) {
        var record = body.files[0];
        processing[record.id] = entry;
        setState(entry, "processing", "Processing: removing identifiers and making previews…");
        poll();
      } else {
        refuse(entry, body.error || "the server refused the file (" + request.status + ").");
      }
      done();
    });
    request.addEventListener("error", function () {
      refuse(entry, "the connection failed. Try again.");
      done();
    });
    setState(entry, "uploading", "Uploading 0%");
    request.send(data);
  }

  function done() {
    sending -= 1;
    pump();
  }

  var FINAL = {
    ready: ["ready", "Ready: added to your latest version (awaiting review)"],
    quarantined: ["quarantined", "Waiting for an editor"],
    failed: ["failed", "Failed"]
  };

  function poll() {
    if (pollTimer) { return; }
    pollTimer = setTimeout(function () {
      pollTimer = null;
      fetch(panel.getAttribute("data-status-url"), { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (response) { return response.ok ? response.json() : { files: [] }; })
        .then(function (body) {
          var finished = false;
          body.files.forEach(function (record) {
            var entry = processing[record.id];
            var final = FINAL[record.status];
            if (!entry || !final) { return; }
            delete processing[record.id];
            finished = true;
            setState(entry, final[0], final[1] + (record.reason ? ": " + record.reason : "."));
          });
          if (finished) { refreshDraft(); }
          if (Object.keys(processing).length) { poll(); }
        })
        .catch(function () { poll(); });
    }, POLL_MS);
  }

  function refreshDraft() {
    return fetch(panel.getAttribute("data-draft-url"), { credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.text() : null; })
      .then(function (html) {
        if (html === null) { return; }
        var focused = document.activeElement && document.activeElement.id;
        draft.innerHTML = html;
        if (focused && document.getElementById(focused)) { document.getElementById(focused).focus(); }
      });
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    if (input.files.length) {
      enqueue(input.files);
      input.value = "";
    } else {
      input.focus();
    }
  });
  input.addEventListener("change", function () {
    if (input.files.length) {
      enqueue(input.files);
      input.value = "";
    }
  });
  ["dragenter", "dragover"].forEach(function (name) {
    dropzone.addEventListener(name, function (event) {
      event.preventDefault();
      dropzone.classList.add("is-over");
    });
  });
  ["dragleave", "drop"].forEach(function (name) {
    dropzone.addEventListener(name, function () { dropzone.classList.remove("is-over"); });
  });
  dropzone.addEventListener("drop", function (event) {
    event.preventDefault();
    if (event.dataTransfer && event.dataTransfer.files.length) { enqueue(event.dataTransfer.files); }
  });
  window.addEventListener("beforeunload", function (event) {
    if (sending || waiting.length) {
      event.preventDefault();
      event.returnValue = "";
    }
  });

  // After the list is rebuilt, put focus back on the same control of the same image (or on
  // the list when the image is gone), so keyboard users keep their place.
  function restoreFocus(itemId, label, message) {
    var row = document.getElementById("draft-item-" + itemId);
    if (!row) {
      var heading = document.getElementById("draft-media-heading");
      if (heading) { heading.tabIndex = -1; heading.focus(); }
      return;
    }
    var feedback = row.querySelector(".form-feedback");
    if (feedback && message) { feedback.textContent = message; }
    var same = Array.prototype.find.call(row.querySelectorAll("button"), function (button) {
      return button.textContent === label && !button.disabled;
    });
    (same || row.querySelector("input[name=caption]") || row).focus();
  }

  // Captions, moves and removals of the latest version's images, without a page reload.
  draft.addEventListener("submit", function (event) {
    var target = event.target;
    if (!(target instanceof HTMLFormElement)) { return; }
    event.preventDefault();
    var question = target.getAttribute("data-confirm");
    if (question && !window.confirm(question)) { return; }
    var feedback = target.querySelector(".form-feedback");
    var itemId = target.closest("[data-item]").getAttribute("data-item");
    var submitter = event.submitter;
    fetch(target.action, {
      method: "POST",
      body: new FormData(target),
      credentials: "same-origin",
      headers: { Accept: "application/json", "X-CSRFToken": token }
    })
      .then(function (response) {
        return response.json().catch(function () { return {}; }).then(function (body) {
          return { ok: response.ok, body: body };
        });
      })
      .then(function (result) {
        if (!result.ok) {
          if (feedback) { feedback.textContent = result.body.error || "Not saved."; } else { window.alert(result.body.error || "Not saved."); }
          return null;
        }
        var label = submitter ? submitter.textContent : "";
        return refreshDraft().then(function () {
          restoreFocus(itemId, label, result.body.message);
        });
      })
      .catch(function () {
        if (feedback) { feedback.textContent = "Not saved: the connection failed."; }
      });
  });
})();
