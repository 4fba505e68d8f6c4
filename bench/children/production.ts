/**
 * Preloaded after tsx in every bench process (`node --import tsx --import production.ts`): tsx turns Node's
 * source maps on when it registers, and a production process runs without them (with them, every stack trace
 * that a library captures is mapped back to the sources, at a cost per request). Off for every target alike.
 */
process.setSourceMapsEnabled(false);

export {};
