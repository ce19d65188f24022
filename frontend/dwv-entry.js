// The viewer library as one ES module: dwv with its dependencies (konva, jszip,
// magic-wand-tool) inlined, so the browser fetches a single file when a viewer opens.
export * from "dwv";
