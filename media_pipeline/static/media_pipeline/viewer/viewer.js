// The image viewer dialog of a case page (markup: media_pipeline/viewer_dialog.html).
// openViewer() asks the permission-checked manifest URL what to show, then hands the dialog's
// controls to the DICOM series viewer (dicom.js, with dwv) or the photo viewer (photo.js).
// An item that cannot be shown (withdrawn, waiting for an editor, gone) shows why instead
// of an empty canvas.

const dialog = document.getElementById("media-viewer");
const find = (name) => dialog.querySelector(`[data-viewer-${name}]`);
const canvas = find("canvas");
const counter = find("counter");
const slider = find("slider");
const presetSelect = find("preset");
const windowOutput = find("wl");
const loading = find("loading");
const progress = find("progress");
const progressText = find("progress-text");
const message = find("message");
const title = dialog.querySelector(".viewer-title");
const modeButtons = Array.from(dialog.querySelectorAll("[data-mode]"));
const PAGE = 10;

let session = null;
let opener = null;
let handlers = {};

function on(name) {
  return (callback) => { handlers[name] = callback; };
}

function call(name, ...args) {
  return handlers[name] ? handlers[name](...args) : undefined;
}

const ui = {
  canvas,
  defaultMode() {
    // On a touch screen one finger scrolls the stack; with a mouse the wheel scrolls and a
    // drag sets the window, as on a PACS workstation.
    return window.matchMedia("(pointer: coarse)").matches ? "Scroll" : "WindowLevel";
  },
  setMode(mode) {
    if (call("mode", mode) === false) { return; }
    modeButtons.forEach((button) => button.setAttribute("aria-pressed", String(button.dataset.mode === mode)));
    canvas.dataset.mode = mode;
  },
  setPresets(presets) {
    presetSelect.length = 1;
    Object.entries(presets).forEach(([value, [label, centre, width]]) => {
      presetSelect.add(new Option(`${label} (W ${width} L ${centre})`, value));
    });
    presetSelect.closest("label").hidden = presetSelect.length === 1;
  },
  setPreset(value) {
    presetSelect.value = value;
  },
  setCounter(current, total, label) {
    counter.textContent = total > 1 && current > 0 ? `${label} ${current} of ${total}` : "";
    slider.max = String(Math.max(total, 1));
    slider.value = String(Math.max(current, 1));
    slider.closest(".viewer-scroll").hidden = total < 2;
  },
  setWindow(text) {
    windowOutput.textContent = text;
  },
  setProgress(percent) {
    const value = Math.max(0, Math.min(100, Math.round(percent || 0)));
    progress.value = value;
    progressText.textContent = `Loading… ${value}%`;
  },
  loaded() {
    loading.hidden = true;
    dialog.removeAttribute("aria-busy");
  },
  fail(text) {
    loading.hidden = true;
    dialog.removeAttribute("aria-busy");
    canvas.hidden = true;
    message.textContent = text;
    message.hidden = false;
    dialog.querySelector("[data-viewer-tools]").hidden = true;
    slider.closest(".viewer-scroll").hidden = true;
    dialog.dataset.state = "failed";
  },
  onMode: on("mode"),
  onPreset: on("preset"),
  onScroll: on("scroll"),
  onZoom: on("zoom"),
  onFit: on("fit"),
  onReset: on("reset"),
};

modeButtons.forEach((button) => button.addEventListener("click", () => ui.setMode(button.dataset.mode)));
presetSelect.addEventListener("change", () => call("preset", presetSelect.value));
slider.addEventListener("input", () => call("scroll", 0, Number(slider.value) - 1));
find("fit").addEventListener("click", () => call("fit"));
find("reset").addEventListener("click", () => call("reset"));
dialog.querySelectorAll("[data-viewer-zoom]").forEach((button) => {
  button.addEventListener("click", () => call("zoom", button.dataset.viewerZoom === "in" ? 1 : -1));
});
find("close").addEventListener("click", () => dialog.close());

const KEYS = { ArrowUp: -1, ArrowLeft: -1, ArrowDown: 1, ArrowRight: 1, PageUp: -PAGE, PageDown: PAGE };
dialog.addEventListener("keydown", (event) => {
  const target = event.target;
  if (target === slider || target === presetSelect || event.altKey || event.ctrlKey || event.metaKey) {
    return;
  }
  if (event.key in KEYS) {
    call("scroll", KEYS[event.key]);
  } else if (event.key === "Home" || event.key === "End") {
    call("scroll", 0, event.key === "Home" ? 0 : Number.MAX_SAFE_INTEGER);
  } else if (event.key === "+" || event.key === "=") {
    call("zoom", 1);
  } else if (event.key === "-") {
    call("zoom", -1);
  } else if (event.key === "0") {
    call("reset");
  } else {
    return;
  }
  event.preventDefault();
});

dialog.addEventListener("close", () => {
  if (session) { session.close(); }
  session = null;
  handlers = {};
  canvas.replaceChildren();
  if (opener && opener.isConnected) { opener.focus(); }
});

function prepare(kind) {
  handlers = {};
  canvas.replaceChildren();
  canvas.hidden = false;
  delete canvas.dataset.viewerReady;
  message.hidden = true;
  message.textContent = "";
  loading.hidden = false;
  dialog.dataset.kind = kind;
  delete dialog.dataset.state;
  dialog.setAttribute("aria-busy", "true");
  dialog.querySelector("[data-viewer-tools]").hidden = false;
  dialog.querySelectorAll("[data-dicom]").forEach((element) => { element.hidden = kind !== "series"; });
  counter.textContent = "";
  windowOutput.textContent = "";
  presetSelect.value = "";
  ui.setProgress(0);
}

async function manifestFor(url) {
  let response;
  try {
    response = await fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } });
  } catch (error) {
    return { error: "The image could not be loaded: check your connection and try again." };
  }
  const body = await response.json().catch(() => ({}));
  if (!response.ok) {
    return { error: body.error || "This image is not available." };
  }
  return body;
}

export async function openViewer(manifestUrl, link) {
  opener = link;
  if (session) { session.close(); session = null; }
  prepare("loading");
  title.textContent = "Image viewer";
  if (!dialog.open) { dialog.showModal(); }
  const manifest = await manifestFor(manifestUrl);
  if (manifest.error) {
    ui.fail(manifest.error);
    return;
  }
  title.textContent = manifest.description;
  prepare(manifest.kind);
  if (!manifest.available) {
    ui.fail(manifest.message);
    return;
  }
  const module = manifest.kind === "series" ? await import("./dicom.js") : await import("./photo.js");
  session = manifest.kind === "series" ? module.showSeries(ui, manifest) : module.showPhoto(ui, manifest);
}
