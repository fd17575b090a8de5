// Package kb builds the static knowledge-base site from the articles under
// kb/ in a desk: it parses articles (Markdown with front matter), renders them
// through the embedded or overridden theme, writes only the pages that
// changed, and turns resolved tickets into draft articles with personal data
// removed.
//
// It must never put anything from a ticket on the site except through an
// article a person published, never emit unsanitised article HTML, and never
// include an internal article in a public build. It reads the desk only
// through desk.Desk's reader and never commits; callers decide what to save.
package kb
