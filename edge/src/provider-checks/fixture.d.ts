// wrangler's default module rules load `*.bin` as Data: the file's bytes.
declare module '*.bin' {
  const bytes: ArrayBuffer;
  export default bytes;
}
