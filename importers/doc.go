// Package importers turns raw mail into clean Go values: single RFC 5322
// messages (Parse), mbox archives (ReadMbox) and Maildir folders
// (ReadMaildir). It reads and repairs; it never touches git, the command
// line or ticket files, and it never threads a message against existing
// tickets — callers do that with the values it returns (MessageID,
// InReplyTo, References, SubjectTag).
//
// # Parsing one message
//
// Parse returns an error only when nothing useful can be read: empty input,
// input above Options.MaxSize (ErrTooLarge; the error names the
// Message-ID when one can be seen), or bytes with no header field at all
// (ErrNotMail). The caller quarantines such input with err.Error() as the
// reason and wraps it with where the bytes came from (file, mbox number
// and offset). Everything else is repaired, and each repair is noted in
// Message.Warnings (at most 100) in words a person can act on. Parse is
// deterministic: the same bytes always give the same Message.
//
// The header block is cleaned before go-message sees it: CRLF and CR-only
// line ends become LF (Message.Raw keeps the original bytes); a leading
// mbox From_ line is dropped; header names with spaces ("Message ID") are
// joined with dashes; unindented continuation lines are joined to the field
// above; over-long lines and unfolded fields are cut at
// Options.MaxLineBytes; fields after the 2,000th are ignored. Raw 8-bit bytes in
// a header are read as UTF-8 when valid, else in the charset of the first
// charset parameter of the message, else as windows-1252. RFC 2047 encoded
// words are decoded with adjacent words of one charset joined first, so a
// character split across two words survives. Addresses that do not parse
// keep their text in Address.Raw, with whatever address could be salvaged
// in Email. Message-IDs lose their angle brackets; a message without one
// gets "<first 32 hex digits of sha256(raw)>@ticket.invalid", so importing
// the same bytes twice yields the same id. Date is UTC and zero when missing
// or unparseable.
//
// Charsets: every text part and header is decoded to UTF-8. Labels resolve
// through go-message's charset registry (IANA and WHATWG names:
// ISO-8859-1…16, windows-1250…1258, KOI8-R/U, ISO-2022-JP, EUC-KR, Big5,
// Shift_JIS …) with a few supersets pinned: GB2312 and GBK read as GB18030,
// TIS-620 and ISO-8859-11 as windows-874, ks_c_5601-1987 as EUC-KR. UTF-7
// (RFC 2152) and UTF-16 (BOM-aware) are built in. An unknown label reads as
// UTF-8 when the bytes are valid UTF-8, else as windows-1252, with a
// warning; text labelled UTF-8 that holds not one UTF-8 sequence is read
// as windows-1252 too, other invalid UTF-8 becomes U+FFFD. Every string in
// a Message is valid UTF-8 without NUL or CR. Address.Email is kept as
// written (not lower-cased).
//
// MIME: boundaries are split by hand so that a missing final boundary
// keeps the last part; a multipart missing its boundary parameter has one
// guessed from the body; base64 or quoted-printable on a multipart
// container is decoded first; broken base64 and quoted-printable decode as
// far as they go. RFC 2231 parameters (any charset, continuations) and RFC
// 2047 words in file names are decoded. At most Options.MaxParts parts and
// Options.MaxDepth levels are read.
//
// # Text and Quoted
//
// Text is the body as readable text: the text/plain alternative is
// preferred over text/html in multipart/alternative (an empty text/plain
// loses to the HTML); HTML-only mail is converted to Markdown with scripts,
// styles and the head removed, and HTML is then true ("<" and ">" in the
// HTML's text stay as the entities &lt; and &gt;, so the Markdown never
// carries raw HTML). Inline text parts of a multipart/mixed are joined with
// a blank line. format=flowed text (RFC
// 3676) is unwrapped, with quoted lines written as "> text". Text has LF
// line ends, no trailing spaces (the "-- " signature separator keeps its
// space), no leading or trailing blank lines, no control characters other
// than tab and newline, and no line longer than Options.MaxLineBytes
// (longer ones are split).
//
// Quoted is the history below the reply, split off from Text and never
// dropped. It starts at the first of: an attribution line ("On … wrote:",
// also wrapped over two lines as Gmail does, "Am … schrieb …:", "Le … a
// écrit :", "El … escribió:" and a few more), an Outlook separator
// ("-----Original Message-----", "-----Ursprüngliche Nachricht-----" and
// translations, a line of underscores followed by a From: line, or a
// "From:" line directly followed by "Sent:" or "Date:", as Outlook writes
// its header block, with a rule just above it), or a trailing block of
// "> " lines. Quoted lines between the sender's own
// paragraphs (inline replies) stay in Text. When nothing would be left
// above the split, nothing is split.
//
// # Attachments
//
// A text/plain or text/html part is body text unless it has
// Content-Disposition: attachment, or has a file name and comes after
// other body text. Every other part becomes an Attachment, including images
// and files from alternative branches that were not chosen, delivery
// reports and attached messages. File names are made safe: base name only
// ("../../etc/passwd" becomes "passwd"), no control or format characters,
// characters Windows forbids replaced by "_", no leading dots, device names
// such as CON or NUL prefixed with "_", at most 100 bytes with the
// extension kept, unique within the message ("a.pdf", "a-2.pdf",
// compared case-insensitively). A part without a usable name is called
// "attachment-N" plus an extension from its media type (.png, .jpg, .gif,
// .webp, .pdf, .txt, .html, .ics, .eml), else ".bin". Inline is true for
// Content-Disposition: inline and for parts with a Content-ID and no
// disposition; ContentID has no angle brackets.
//
// # Automatic mail
//
// Auto says whether a program rather than a person sent the message. The
// checks run in this order and the first match wins:
//
//  1. "bounce": a multipart/report with report-type=delivery-status; or
//     Return-Path: <> together with a DSN shape (a message/delivery-status
//     part or an attached original message); or From MAILER-DAEMON or
//     postmaster. Bounces come first because delivery reports also carry
//     Auto-Submitted. Bounced is the Message-ID of the message that
//     bounced: from the attached message/rfc822 or text/rfc822-headers
//     part, else a "Message-ID:" line in the report text, else
//     In-Reply-To, else the last References entry.
//  2. "auto-reply": Auto-Submitted other than "no"; X-Autoreply;
//     X-Autorespond; X-Auto-Response-Suppress; Precedence: auto_reply.
//  3. "list": List-Id or List-Unsubscribe; Precedence: list.
//  4. "bulk": Precedence: bulk or junk.
//
// Loop is separate from Auto: it is true when the message carries
// LoopHeader, which the desk puts on all mail it sends; callers drop such
// messages. The desk must never auto-respond to a message whose Auto is
// not "".
//
// Language is the ISO 639-1 code of Subject and Text (their first 1,000
// bytes) as whatlanggo detects it, "" when the detector is not confident:
// its confidence must pass whatlanggo's reliability threshold, and text in
// a script several languages share (Latin, Cyrillic, Arabic …) needs at
// least 40 letters, while a script of one language (Hangul, Thai …) counts
// at once.
//
// # Mbox
//
// ReadMbox streams: it holds one message at a time. It splits at From_
// lines: "From " at the start of a line, after a blank line or at the start
// of the file, with a digit somewhere in the line, as every writer's date
// has; without the blank line only a strict "From sender asctime-date"
// line splits (some exporters write no blank line between messages). Line ends are detected from the start of the file (LF, which
// covers CRLF, or CR-only) and are not rewritten: each message reaches the
// callback with the file's own line ends, minus its From_ line and the
// blank separator line before the next From_ line. Variants:
//
//   - mboxcl2 / mboxcl: a Content-Length header is trusted when exactly
//     that many body bytes are followed by the end of the file or a From_
//     line (after at most one blank line); otherwise the message is split
//     by From_ lines. mboxcl2 bodies are not un-escaped; mboxcl bodies are
//     un-escaped like mboxo.
//   - mboxo: ">From " at the start of a line becomes "From "; ">>From "
//     stays (the variant cannot tell an escaped line from an original one).
//   - mboxrd: one ">" is removed from every ">…>From " line.
//
// ReadMbox (MboxAuto) uses Content-Length when it checks out and otherwise
// un-escapes like mboxrd; ReadMboxFormat takes a known variant. Content
// before the first From_ line is passed on as message 1 when it is not
// blank, so a single message without a From_ line is read too.
//
// # Maildir
//
// ReadMaildir reads cur/ and new/ (never tmp/), and with recursive the
// Maildir++ subfolders (".Sub.Folder") after the top folder in name order.
// Files are ordered by the delivery time at the start of their names, then
// by name.
//
// # Subjects
//
// SubjectTag finds the ticket tag "[#id]" (lower-case Crockford base32,
// the ticket id alphabet; matched case-insensitively, returned lower-case)
// after reply and forward prefixes in many languages (Re, Fwd, AW, WG, SV,
// VS, Antw, Ynt, İlt, TR, RV, 答复, 回复, 转发, 返信, 転送, 답장, Отв …, with
// counters such as "Re[2]:"). CleanSubject removes those prefixes and the
// tag to make a ticket title.
package importers
