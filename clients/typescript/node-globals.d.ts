// The generated fetch client names `BodyInit`, a type of TypeScript's DOM library, which this
// repository leaves out (it runs on Node). Node's own fetch types give the same union: what
// `new Response(body)` accepts. A browser build of the client has the DOM's.
declare global {
  type BodyInit = NonNullable<ConstructorParameters<typeof Response>[0]>;
}

export {};
