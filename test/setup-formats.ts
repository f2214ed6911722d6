import { initFormats } from "../src/formats/index.js";

// Some parsers load WebAssembly grammars once, as the CLI and the app do at start-up.
await initFormats();
