// custom-elements.json is generated from the JSDoc tags of components/ (`npm run analyze`).
export default {
  globs: ['components/**/*.ts'],
  exclude: ['components/**/*.test.ts'],
  litelement: true,
  plugins: [
    {
      // Events are documented with @fires; drop the nameless entries inferred from
      // `dispatchEvent(new SipXxxEvent())` calls, which carry no name.
      name: 'drop-nameless-events',
      packageLinkPhase({ customElementsManifest }) {
        // The analyzer lists files in the order the file system returns them: sort, so a rebuild
        // on another machine leaves the committed file unchanged.
        customElementsManifest.modules.sort((a, b) => a.path.localeCompare(b.path));
        for (const module of customElementsManifest.modules) {
          for (const declaration of module.declarations ?? []) {
            if (declaration.events)
              declaration.events = declaration.events.filter((event) => event.name);
          }
        }
      },
    },
  ],
};
