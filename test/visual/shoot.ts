// The pictures of test/visual/: each element narrow and wide, in the default light theme and in
// one custom theme, compared with the committed baselines (web-test-runner.config.mjs, visual group).
import { visualDiff } from '@web/test-runner-visual-regression';
import type { LitElement } from 'lit';

const WIDTHS = { narrow: 320, wide: 560 } as const;

/** One custom theme: the documented custom properties, a brand's colours, square corners, serif. */
const BRAND = [
  '--sip-font: Georgia, serif',
  '--sip-radius: 2px',
  '--sip-color-text: #1c1917',
  '--sip-color-surface: #fffbeb',
  '--sip-color-surface-raised: #fef3c7',
  '--sip-color-border: #a8a29e',
  '--sip-color-accept: #0f766e',
  '--sip-color-danger: #9f1239',
  '--sip-color-progress: #7c3aed',
  '--sip-color-focus: #7c3aed',
].join('; ');

const THEMES = { light: '', brand: BRAND } as const;

/** Hides what changes by itself (the call timer, the quality line) and gives the page a plain body. */
export function hideWhatChanges(): void {
  const style = document.createElement('style');
  style.textContent = `
    body { margin: 0; background: #ffffff; }
    :is(sip-phone, sip-call-button)::part(timer),
    :is(sip-phone, sip-call-button)::part(quality) { visibility: hidden; }
  `;
  document.head.append(style);
}

const frame = () => new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve)));

/** The element narrow and wide, light and branded, against the baselines `<name>-<width>-<theme>`. */
export async function shoot(el: LitElement, name: string): Promise<void> {
  (document.activeElement as HTMLElement | null)?.blur();
  for (const [width, px] of Object.entries(WIDTHS)) {
    for (const [theme, properties] of Object.entries(THEMES)) {
      el.style.cssText = `display: block; box-sizing: border-box; width: ${px}px; padding: 8px; ${properties}`;
      await el.updateComplete;
      await frame();
      await visualDiff(el, `${name}-${width}-${theme}`);
    }
  }
  el.style.cssText = '';
}
