/**
 * LocaleController: the element's language, from `lang` on the element or its nearest ancestor,
 * else the page's `<html lang>`; follows changes to either. `strings` is the UI catalogue for it.
 */
// Not src/index.js: an element with this controller must not load JsSIP by it.
import { uiStrings, type UiStrings } from '../../src/i18n/index.js';
import { LangController } from './lang-controller.js';

export class LocaleController extends LangController {
  /** The UI catalogue for `lang`. */
  get strings(): UiStrings {
    return uiStrings(this.lang);
  }
}
