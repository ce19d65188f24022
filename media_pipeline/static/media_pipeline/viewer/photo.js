// A clinical photo in the viewer: zoom (wheel, pinch, + −) and pan (drag, one finger).
// The photo comes from the permission-checked media URL of its scrubbed copy.
const MIN_SCALE = 0.05;
const MAX_SCALE = 16;

export function showPhoto(ui, manifest) {
  const [image] = manifest.images;
  const picture = new Image();
  picture.alt = manifest.description;
  picture.className = "viewer-photo";
  picture.draggable = false;
  const view = { scale: 1, x: 0, y: 0 };
  const pointers = new Map();
  let pinch = null;

  function apply() {
    picture.style.transform = `translate(${view.x}px, ${view.y}px) scale(${view.scale})`;
  }

  function fit() {
    const box = ui.canvas.getBoundingClientRect();
    const scale = Math.min(box.width / picture.naturalWidth, box.height / picture.naturalHeight);
    view.scale = Math.min(scale, MAX_SCALE);
    view.x = (box.width - picture.naturalWidth * view.scale) / 2;
    view.y = (box.height - picture.naturalHeight * view.scale) / 2;
    apply();
  }

  // Zoom by ``factor`` keeping the canvas point (cx, cy) where it is.
  function zoomAt(factor, cx, cy) {
    const scale = Math.max(MIN_SCALE, Math.min(MAX_SCALE, view.scale * factor));
    view.x = cx - (cx - view.x) * (scale / view.scale);
    view.y = cy - (cy - view.y) * (scale / view.scale);
    view.scale = scale;
    apply();
  }

  function local(event) {
    const box = ui.canvas.getBoundingClientRect();
    return { x: event.clientX - box.left, y: event.clientY - box.top };
  }

  function centre() {
    const box = ui.canvas.getBoundingClientRect();
    return [box.width / 2, box.height / 2];
  }

  const onWheel = (event) => {
    event.preventDefault();
    const point = local(event);
    zoomAt(Math.exp(-event.deltaY / 500), point.x, point.y);
  };
  const onDown = (event) => {
    ui.canvas.setPointerCapture(event.pointerId);
    pointers.set(event.pointerId, local(event));
  };
  const onMove = (event) => {
    if (!pointers.has(event.pointerId)) { return; }
    const point = local(event);
    const previous = pointers.get(event.pointerId);
    pointers.set(event.pointerId, point);
    if (pointers.size === 2) {
      const [a, b] = Array.from(pointers.values());
      const distance = Math.hypot(a.x - b.x, a.y - b.y);
      if (pinch) { zoomAt(distance / pinch, (a.x + b.x) / 2, (a.y + b.y) / 2); }
      pinch = distance;
    } else if (pointers.size === 1) {
      view.x += point.x - previous.x;
      view.y += point.y - previous.y;
      apply();
    }
  };
  const onUp = (event) => {
    pointers.delete(event.pointerId);
    pinch = null;
  };

  ui.canvas.addEventListener("wheel", onWheel, { passive: false });
  ui.canvas.addEventListener("pointerdown", onDown);
  ui.canvas.addEventListener("pointermove", onMove);
  ui.canvas.addEventListener("pointerup", onUp);
  ui.canvas.addEventListener("pointercancel", onUp);
  ui.onMode(() => true);
  ui.onZoom((direction) => zoomAt(direction > 0 ? 1.25 : 0.8, ...centre()));
  ui.onFit(fit);
  ui.onReset(fit);
  ui.onScroll(() => {});
  const resize = () => fit();
  window.addEventListener("resize", resize);

  picture.addEventListener("load", () => {
    ui.loaded();
    fit();
    ui.setMode("ZoomAndPan");
    ui.canvas.dataset.viewerReady = "true";
  });
  picture.addEventListener("error", () => {
    ui.fail("This photo could not be displayed. Try again later; if it keeps failing, tell an editor.");
  });
  ui.setProgress(50);
  picture.src = image.source;
  ui.canvas.append(picture);

  return {
    close() {
      window.removeEventListener("resize", resize);
      ui.canvas.removeEventListener("wheel", onWheel);
      ui.canvas.removeEventListener("pointerdown", onDown);
      ui.canvas.removeEventListener("pointermove", onMove);
      ui.canvas.removeEventListener("pointerup", onUp);
      ui.canvas.removeEventListener("pointercancel", onUp);
    },
  };
}
