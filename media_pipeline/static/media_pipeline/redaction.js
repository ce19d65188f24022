// Proposed boxes are in image pixels; place them over the preview in percent of its size.
document.querySelectorAll(".redaction-proposal").forEach((box) => {
  const img = box.parentElement.querySelector("img");
  const w = Number(img.dataset.width), h = Number(img.dataset.height);
  box.style.left = (100 * box.dataset.x / w) + "%";
  box.style.top = (100 * box.dataset.y / h) + "%";
  box.style.width = (100 * box.dataset.w / w) + "%";
  box.style.height = (100 * box.dataset.h / h) + "%";
});
// Drag on a preview to append "x, y, width, height" in the image's own pixels to the form.
document.querySelectorAll("img.redaction-target").forEach((img) => {
  let start = null;
  const toImage = (event) => {
    const box = img.getBoundingClientRect();
    const sx = Number(img.dataset.width) / box.width, sy = Number(img.dataset.height) / box.height;
    return [Math.round((event.clientX - box.left) * sx), Math.round((event.clientY - box.top) * sy)];
  };
  img.addEventListener("mousedown", (event) => { event.preventDefault(); start = toImage(event); });
  img.addEventListener("mouseup", (event) => {
    if (!start) return;
    const end = toImage(event);
    const x = Math.min(start[0], end[0]), y = Math.min(start[1], end[1]);
    const w = Math.abs(end[0] - start[0]), h = Math.abs(end[1] - start[1]);
    start = null;
    if (w === 0 || h === 0) return;
    const field = document.querySelector("textarea[name=rectangles]");
    field.value = (field.value.trim() ? field.value.trim() + "\n" : "") + `${x}, ${y}, ${w}, ${h}`;
  });
});
