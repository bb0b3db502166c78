import { useI18n } from '../i18n/I18nProvider';
import { LANGUAGES, type Language } from '../i18n/types';

const NAMES: Record<Language, string> = { en: 'English', tr: 'Türkçe' };

/** Two pressed/unpressed buttons, each named in its own language. */
export function LanguageSwitch() {
  const { language, setLanguage, t } = useI18n();
  return (
    <div className="language-switch" role="group" aria-label={t('common.language')}>
      {LANGUAGES.map((option) => (
        <button
          key={option}
          type="button"
          lang={option}
          aria-pressed={option === language}
          onClick={() => setLanguage(option)}
        >
          <span aria-hidden="true">{option.toUpperCase()}</span>
          <span className="visually-hidden">{NAMES[option]}</span>
        </button>
      ))}
    </div>
  );
}
