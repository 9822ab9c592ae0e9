/** Languages: UI strings and outcome texts. Importing this module registers every translation. */
import { registerOutcomeTranslation } from '../outcomes.js';
import { outcomesDe } from './outcomes-de.js';

registerOutcomeTranslation('de', outcomesDe);

export { en, de, uiStrings, matchLanguage, SUPPORTED_LANGUAGES } from './ui.js';
export type { UiStrings, PartialUiStrings } from './ui.js';
