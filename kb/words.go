package kb

import (
	"maps"
	"strings"
)

// languageNames are languages in their own words, for the language switch.
var languageNames = map[string]string{
	"ar": "العربية", "cs": "Čeština", "da": "Dansk", "de": "Deutsch", "el": "Ελληνικά",
	"en": "English", "es": "Español", "fi": "Suomi", "fr": "Français", "he": "עברית",
	"hu": "Magyar", "it": "Italiano", "ja": "日本語", "ko": "한국어", "nl": "Nederlands",
	"no": "Norsk", "pl": "Polski", "pt": "Português", "ru": "Русский", "sv": "Svenska",
	"th": "ไทย", "tr": "Türkçe", "uk": "Українська", "vi": "Tiếng Việt", "zh": "中文",
}

// LanguageName is a language's own name, or its code when unknown.
func LanguageName(code string) string {
	if n, ok := languageNames[code]; ok {
		return n
	}
	if n, ok := languageNames[strings.SplitN(code, "-", 2)[0]]; ok {
		return n + " (" + code + ")"
	}
	return code
}

// uiWords are the theme's own words; a language without a table uses
// English.
var uiWords = map[string]map[string]string{
	"en": {
		"welcome": "How can we help?", "home": "Help home", "search": "Search", "searchLabel": "Search the help articles",
		"searchPlaceholder": "Search articles…", "categories": "Categories", "popular": "Popular articles",
		"recent": "Recently updated", "tags": "Tags", "related": "Related articles", "helpful": "Was this article helpful?",
		"yes": "Yes", "no": "No", "updated": "Updated", "notfound": "Page not found",
		"notfoundText": "The page you asked for is not here. Try searching, or start from the home page.",
		"thanks":       "Thank you for your feedback", "thanksText": "Your answer helps us improve these articles.",
		"contact": "Still stuck? Write to us:", "language": "Language", "skip": "Skip to content",
		"breadcrumb": "Breadcrumb", "noscript": "Search needs JavaScript. Browse the categories on the home page instead.",
		"results": "results", "noResults": "No articles match", "typeToSearch": "Type words to search all articles.",
		"internal": "Internal", "feed": "Atom feed", "articles": "articles",
	},
	"de": {
		"welcome": "Wie können wir helfen?", "home": "Hilfe-Startseite", "search": "Suchen", "searchLabel": "Hilfeartikel durchsuchen",
		"searchPlaceholder": "Artikel suchen…", "categories": "Kategorien", "popular": "Beliebte Artikel",
		"recent": "Zuletzt aktualisiert", "tags": "Schlagwörter", "related": "Verwandte Artikel", "helpful": "War dieser Artikel hilfreich?",
		"yes": "Ja", "no": "Nein", "updated": "Aktualisiert", "notfound": "Seite nicht gefunden",
		"notfoundText": "Diese Seite gibt es nicht. Versuchen Sie die Suche oder die Startseite.",
		"thanks":       "Danke für Ihre Rückmeldung", "thanksText": "Ihre Antwort hilft uns, die Artikel zu verbessern.",
		"contact": "Noch Fragen? Schreiben Sie uns:", "language": "Sprache", "skip": "Zum Inhalt springen",
		"breadcrumb": "Brotkrümelnavigation", "noscript": "Die Suche braucht JavaScript. Die Kategorien finden Sie auf der Startseite.",
		"results": "Treffer", "noResults": "Keine Artikel gefunden für", "typeToSearch": "Geben Sie Suchbegriffe ein.",
		"internal": "Intern", "feed": "Atom-Feed", "articles": "Artikel",
	},
	"ko": {
		"welcome": "무엇을 도와드릴까요?", "home": "도움말 홈", "search": "검색", "searchLabel": "도움말 검색",
		"searchPlaceholder": "문서 검색…", "categories": "카테고리", "popular": "인기 문서", "recent": "최근 업데이트",
		"tags": "태그", "related": "관련 문서", "helpful": "이 문서가 도움이 되었나요?", "yes": "예", "no": "아니요",
		"updated": "업데이트", "notfound": "페이지를 찾을 수 없습니다", "language": "언어", "skip": "본문으로 건너뛰기",
		"results": "건", "noResults": "검색 결과 없음:", "articles": "문서",
	},
}

// words is the word table of a language, completed from English.
func words(lang string) map[string]string {
	out := maps.Clone(uiWords["en"])
	if w, ok := uiWords[strings.SplitN(lang, "-", 2)[0]]; ok {
		maps.Copy(out, w)
	}
	return out
}
