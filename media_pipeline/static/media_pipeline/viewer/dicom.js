// A DICOM series in the viewer, with dwv (cms/static/vendor/dwv, built by `make assets`).
// dwv reads the anonymised DICOM files through the permission-checked media URLs, decodes
// compressed pixel data in module workers served from 'self', and draws on a 2D canvas: no
// WebGL, no WebAssembly, no eval, so the site's strict Content-Security-Policy holds.
import { App, AppOptions, Point2D, ToolConfig, ViewConfig, WindowLevel } from "../../vendor/dwv/dwv.js";

// Window presets in Hounsfield units: [label, centre, width]. They only mean something for
// CT, so other modalities keep the window their images carry.
export const CT_PRESETS = {
  brain: ["Brain", 40, 80],
  subdural: ["Subdural", 75, 215],
  lung: ["Lung", -600, 1500],
  mediastinum: ["Mediastinum", 50, 350],
  bone: ["Bone", 400, 1800],
  abdomen: ["Abdomen / soft tissue", 40, 400],
};
const ZOOM_STEP = 0.25;

export function showSeries(ui, manifest) {
  const app = new App();
  const options = new AppOptions({ "*": [new ViewConfig(ui.canvas.id)] });
  options.tools = {
    Scroll: new ToolConfig(),
    WindowLevel: new ToolConfig(),
    ZoomAndPan: new ToolConfig(),
    Draw: new ToolConfig(["Ruler"]),
  };
  app.init(options);

  const isCt = manifest.modality === "CT";
  ui.setPresets(isCt ? CT_PRESETS : {});
  let ready = false;

  function layerGroup() {
    return app.getActiveLayerGroup();
  }

  function controller() {
    const group = layerGroup();
    const layer = group && group.getActiveViewLayer();
    return layer ? layer.getViewController() : null;
  }

  // The dimension to move along: the slices of a stack, or the frames of a cine loop.
  function scrollDimension() {
    const group = layerGroup();
    return !group.canScroll() && group.moreThanOne(3) ? 3 : null;
  }

  function position() {
    const helper = layerGroup().getPositionHelper();
    const dim = scrollDimension();
    const current = dim === null ? helper.getCurrentPositionScrollValue() : helper.getCurrentPositionDimValue(dim);
    const last = dim === null ? helper.getMaximumScrollValue() : helper.getMaximumDimValue(dim);
    return { helper, dim, current, last };
  }

  function moveTo(index) {
    if (!ready) { return; }
    const { helper, dim, last } = position();
    const target = Math.max(0, Math.min(last, index));
    const point = dim === null ? helper.getCurrentPositionAtScrollValue(target) : helper.getCurrentPositionAtDimValue(dim, target);
    helper.setCurrentPosition(point);
  }

  function showPosition() {
    if (!layerGroup()) { return; }
    const { current, last } = position();
    const total = last + 1;
    ui.setCounter(current + 1, total, scrollDimension() === 3 ? "Frame" : "Image");
  }

  function showWindow() {
    const vc = controller();
    if (!vc || !vc.canWindowLevel()) {
      ui.setWindow("");
      return;
    }
    const wl = vc.getWindowLevel();
    const unit = isCt ? " HU" : "";
    ui.setWindow(`W ${Math.round(wl.width)} · L ${Math.round(wl.center)}${unit}`);
  }

  function zoom(step) {
    const group = layerGroup();
    const layer = group && group.getActiveViewLayer();
    if (!layer) { return; }
    const box = ui.canvas.getBoundingClientRect();
    const planePos = layer.displayToMainPlanePos(new Point2D(box.width / 2, box.height / 2));
    const centre = layer.getViewController().getPlanePositionFromPlanePoint(planePos);
    group.addScale(step, centre);
    group.draw();
  }

  app.addEventListener("loadprogress", (event) => ui.setProgress(event.loaded));
  app.addEventListener("loaditem", () => {
    if (!ready) {
      ready = true;
      ui.setMode(ui.defaultMode());
    }
    showPosition();
  });
  app.addEventListener("load", () => {
    ui.setProgress(100);
    ui.loaded();
    app.fitToContainer();
    moveTo(Math.floor(position().last / 2));
    showWindow();
    ui.canvas.dataset.viewerReady = "true";
  });
  app.addEventListener("error", () => {
    ui.fail("This series could not be displayed: its images could not be read. Try again later; if it keeps failing, tell an editor.");
  });
  app.addEventListener("positionchange", showPosition);
  app.addEventListener("wlchange", showWindow);

  ui.onMode((mode) => {
    if (!ready) { return false; }
    app.setTool(mode);
    if (mode === "Draw") {
      app.setToolFeatures({ shapeName: "Ruler" });
    }
    return true;
  });
  ui.onPreset((name) => {
    const vc = controller();
    if (!vc) { return; }
    if (CT_PRESETS[name]) {
      const [, centre, width] = CT_PRESETS[name];
      vc.setWindowLevel(new WindowLevel(centre, width));
    } else {
      vc.resetWindowLevel();
    }
    showWindow();
  });
  ui.onScroll((delta, absolute) => {
    if (!ready) { return; }
    moveTo(absolute === undefined ? position().current + delta : absolute);
  });
  ui.onZoom((direction) => zoom(direction > 0 ? ZOOM_STEP : -ZOOM_STEP));
  ui.onFit(() => app.fitToContainer());
  ui.onReset(() => {
    app.resetZoomPan();
    const vc = controller();
    if (vc) { vc.resetWindowLevel(); }
    ui.setPreset("");
    showWindow();
  });
  const resize = () => { if (ready) { app.fitToContainer(); } };
  window.addEventListener("resize", resize);

  ui.setCounter(0, manifest.images.length, "Image");
  app.loadURLs(manifest.images.map((image) => image.source), {
    requestHeaders: [{ name: "Accept", value: "application/dicom" }],
    batchSize: 6,
  });

  return {
    close() {
      window.removeEventListener("resize", resize);
      app.abortAllLoads();
      app.reset();
    },
    app,
  };
}
