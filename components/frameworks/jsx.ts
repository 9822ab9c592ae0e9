/**
 * `sip-phone/jsx`: the elements as JSX intrinsic elements for React 19's JSX (`react-jsx`), so
 * `<sip-phone server="wss://…" history>` type-checks in a TSX file without the wrappers.
 * React 19 sets a prop the element has as a property (`config`, `credentials` arrive whole) and
 * any other one as an attribute; `on` + an event name listens to that event
 * (`onsip-call-change`). Each element's properties are typed as on the element; its events'
 * handlers get the typed event. Hyphenated attributes (`auth-user`, `display-name`) are not
 * checked: TypeScript lets any hyphenated JSX attribute through.
 *
 * Use: `import type {} from 'sip-phone/jsx';` once in the project (or `sip-phone/react`, which
 * includes these types).
 */
import type { DetailedHTMLProps, HTMLAttributes } from 'react';
import type {
  SipElementEvents,
  SipElementProps,
  SipElementTagNameMap,
  SipTag,
} from './elements.js';

/** React 19's listener props for element `T`: `onsip-call-change` and so on. */
export type SipJsxEventProps<T extends SipTag> = {
  [E in keyof SipElementEvents<T> & string as `on${E}`]?: (event: SipElementEvents<T>[E]) => void;
};

/** The JSX props of element `T`. */
export type SipJsxProps<T extends SipTag> = DetailedHTMLProps<
  HTMLAttributes<SipElementTagNameMap[T]>,
  SipElementTagNameMap[T]
> &
  SipElementProps<T> &
  SipJsxEventProps<T>;

/** Every element as a JSX intrinsic element. */
export type SipJsxElements = { [T in SipTag]: SipJsxProps<T> };

declare module 'react' {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace JSX {
    // eslint-disable-next-line @typescript-eslint/no-empty-object-type
    interface IntrinsicElements extends SipJsxElements {}
  }
}
