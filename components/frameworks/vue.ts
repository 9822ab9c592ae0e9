/**
 * `sip-phone/vue`: the elements as global components for Vue's template type-checking (vue-tsc),
 * so `<sip-phone server="wss://…" history>` and `@sip-call-change="…"` type-check in a single-file
 * component. The shape is the one Vue's guide gives for custom elements ("Web Components and
 * TypeScript"). Vue still has to be told these are custom elements at run time:
 * `compilerOptions.isCustomElement = (tag) => tag.startsWith('sip-')`.
 *
 * Use: `import type {} from 'sip-phone/vue';` once in the project. Unknown attributes are reported
 * only with `vueCompilerOptions.strictTemplates` (Vue otherwise lets them fall through).
 */
import type { EmitFn, HTMLAttributes, PublicProps } from 'vue';
import type {
  EventPropName,
  SipElementEvents,
  SipElementProps,
  SipElementTagNameMap,
  SipTag,
} from './elements.js';

/** `@sip-call-change` is the `onSipCallChange` prop to Vue's type-checker: the typed handlers. */
export type SipVueEventProps<T extends SipTag> = {
  [E in keyof SipElementEvents<T> & string as EventPropName<E>]?: (
    event: SipElementEvents<T>[E],
  ) => void;
};

/** Attributes whose property has another name: `<sip-self-test for="…">` is `htmlFor`. */
type RenamedAttributes<T extends SipTag> = T extends 'sip-self-test' ? { for?: string } : unknown;

/** A custom element as Vue's templates see it: its properties as props, its events as emits. */
export type SipVueElement<T extends SipTag> = new () => SipElementTagNameMap[T] & {
  /** @deprecated For template type-checking only: do not read `$props` on an element ref. */
  $props: HTMLAttributes &
    SipElementProps<T> &
    SipVueEventProps<T> &
    RenamedAttributes<T> &
    PublicProps;
  /** @deprecated For template type-checking only: do not call `$emit` on an element ref. */
  $emit: EmitFn<{
    [E in keyof SipElementEvents<T>]: (event: SipElementEvents<T>[E]) => void;
  }>;
};

/** Every element as a Vue global component. */
export type SipVueElements = { [T in SipTag]: SipVueElement<T> };

declare module 'vue' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  interface GlobalComponents extends SipVueElements {}
}
