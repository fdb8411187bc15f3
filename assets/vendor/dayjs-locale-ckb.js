/* Sorani Kurdish for the date pickers: dayjs's "ku" locale (Sorani, in Arabic script) under the name the app uses.
   Its file exports an object whose `default` is the locale; dash-mantine-components' DatesProvider reads the locale
   itself from window.dayjs_locale_<name> (web/shell.py). */
window.dayjs_locale_ckb = (window.dayjs_locale_ku || {}).default;
