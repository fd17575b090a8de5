package importers

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

type att struct {
	name, ct, cid string
	inline        bool
	data          string
}

// parseCase is one message of testdata/mail with the exact values Parse
// must produce for it.
type parseCase struct {
	file     string
	id       string
	subject  string
	date     string // RFC 3339, "" for the zero time
	from     Address
	text     string
	quoted   string
	html     bool
	loop     bool
	auto     string
	bounced  string
	lang     string
	warnings []string
	atts     []att
}

var parseCases = []parseCase{
	{
		file:    "alternative.eml",
		id:      "alternative@example.com",
		subject: "Plain and HTML",
		date:    "2026-03-04T13:00:00Z",
		from:    Address{Name: "Nia", Email: "nia@example.com", Raw: ""},
		text:    "This is the plain text, which wins over the HTML.",
		lang:    "en",
	},
	{
		file:     "attachments-hostile.eml",
		id:       "attachments@example.com",
		subject:  "Screenshot and files",
		date:     "2026-03-04T14:00:00Z",
		from:     Address{Name: "Pam", Email: "pam@example.com", Raw: ""},
		text:     "See the screenshot:\n\n![](cid:shot1@example.com)",
		html:     true,
		lang:     "en",
		warnings: []string{"attachment name \"../../etc/passwd\" made safe as \"passwd\"", "attachment name \"/abs/path\" made safe as \"path\"", "attachment name \"CON\" made safe as \"_CON\"", "attachment name \"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\" made safe as \"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\"", "attachment name \"C:\\Users\\pam\\Desktop\\notes.txt\" made safe as \"notes.txt\""},
		atts: []att{
			{"attachment-1.png", "image/png", "shot1@example.com", true, "\x89PNG\r\n\x1a\n"},
			{"passwd", "text/plain", "", false, "root:x:0:0"},
			{"path", "application/octet-stream", "", false, "abs"},
			{"_CON", "application/octet-stream", "", false, "device"},
			{"belland return.txt", "application/octet-stream", "", false, "control"},
			{"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.pdf", "application/pdf", "", false, "long"},
			{"report.txt", "text/plain", "", false, "first"},
			{"Report-2.txt", "text/plain", "", false, "second"},
			{"report-3.txt", "text/plain", "", false, "third"},
			{"notes.txt", "application/octet-stream", "", false, "windows path"},
			{"attachment-11.bin", "application/octet-stream", "", false, "dots"},
		},
	},
	{
		file:    "auto-auto-submitted.eml",
		id:      "auto-auto-submitted@example.com",
		subject: "Out of office: Re: [#7kq2m9] Order 1042",
		date:    "2026-03-05T08:00:00Z",
		from:    Address{Name: "Quinn", Email: "quinn@example.com", Raw: ""},
		text:    "I am out of the office until Monday and will answer your message then.",
		auto:    "auto-reply",
		lang:    "en",
	},
	{
		file:    "auto-precedence.eml",
		id:      "auto-precedence@example.com",
		subject: "Out of office: Re: [#7kq2m9] Order 1042",
		date:    "2026-03-05T08:00:00Z",
		from:    Address{Name: "Quinn", Email: "quinn@example.com", Raw: ""},
		text:    "I am out of the office until Monday and will answer your message then.",
		auto:    "auto-reply",
		lang:    "en",
	},
	{
		file:    "auto-submitted-no.eml",
		id:      "auto-submitted-no@example.com",
		subject: "A person who sets the header to no",
		date:    "2026-03-05T08:00:00Z",
		from:    Address{Name: "Quinn", Email: "quinn@example.com", Raw: ""},
		text:    "Hello, this is a person writing.",
		lang:    "en",
	},
	{
		file:    "auto-x-auto-response-suppress.eml",
		id:      "auto-x-auto-response-suppress@example.com",
		subject: "Out of office: Re: [#7kq2m9] Order 1042",
		date:    "2026-03-05T08:00:00Z",
		from:    Address{Name: "Quinn", Email: "quinn@example.com", Raw: ""},
		text:    "I am out of the office until Monday and will answer your message then.",
		auto:    "auto-reply",
		lang:    "en",
	},
	{
		file:    "auto-x-autoreply.eml",
		id:      "auto-x-autoreply@example.com",
		subject: "Out of office: Re: [#7kq2m9] Order 1042",
		date:    "2026-03-05T08:00:00Z",
		from:    Address{Name: "Quinn", Email: "quinn@example.com", Raw: ""},
		text:    "I am out of the office until Monday and will answer your message then.",
		auto:    "auto-reply",
		lang:    "en",
	},
	{
		file:    "auto-x-autorespond.eml",
		id:      "auto-x-autorespond@example.com",
		subject: "Out of office: Re: [#7kq2m9] Order 1042",
		date:    "2026-03-05T08:00:00Z",
		from:    Address{Name: "Quinn", Email: "quinn@example.com", Raw: ""},
		text:    "I am out of the office until Monday and will answer your message then.",
		auto:    "auto-reply",
		lang:    "en",
	},
	{
		file:     "bad-address.eml",
		id:       "bad-address@example.com",
		subject:  "Addresses that do not parse",
		date:     "2026-03-04T11:00:00Z",
		from:     Address{Name: "", Email: "", Raw: "Hal Broken <hal at example.com"},
		text:     "Body.",
		lang:     "",
		warnings: []string{"unparseable address \"Hal Broken <hal at example.com\"", "address list \"support@example.com, \"Unclosed <ivy@exam\" has an unbalanced quote"},
	},
	{
		file:     "base64-multipart.eml",
		id:       "b64-container@example.com",
		subject:  "Base64 on a multipart container",
		date:     "2026-03-04T10:30:00Z",
		from:     Address{Name: "Gus", Email: "gus@example.com", Raw: ""},
		text:     "The whole multipart was base64-encoded by a gateway.",
		lang:     "en",
		warnings: []string{"multipart entity with Content-Transfer-Encoding base64 decoded"},
		atts: []att{
			{"data.bin", "application/octet-stream", "", false, "\x00\x01\x02\x03\x04"},
		},
	},
	{
		file:    "bounce-dsn.eml",
		id:      "dsn.20260305@mx.example.net",
		subject: "Undelivered Mail Returned to Sender",
		date:    "2026-03-05T09:00:00Z",
		from:    Address{Name: "Mail Delivery System", Email: "MAILER-DAEMON@mx.example.net", Raw: ""},
		text:    "This is the mail system at host mx.example.net.\n\nI'm sorry to have to inform you that your message could not\nbe delivered to one or more recipients.\n\n<nobody@example.org>: host mail.example.org said: 550 5.1.1 User unknown",
		auto:    "bounce",
		bounced: "reply-2.7kq2m9@desk.example.com",
		lang:    "en",
		atts: []att{
			{"attachment-1.txt", "message/delivery-status", "", false, "Reporting-MTA: dns; mx.example.net\nArrival-Date: Thu,  5 Mar 2026 08:59:58 +0000 (UTC)\n\nFinal-Recipient: rfc822; nobody@example.org\nAction: failed\nStatus: 5.1.1\nDiagnostic-Code: smtp; 550 5.1.1 User unknown\n"},
			{"attachment-2.eml", "message/rfc822", "", false, "From: Support <support@example.com>\nTo: nobody@example.org\nSubject: [#7kq2m9] Your order 1042\nMessage-ID: <reply-2.7kq2m9@desk.example.com>\nDate: Thu, 5 Mar 2026 08:59:57 +0000\nX-Ticket-Loop: desk.example.com\n\nYour replacement is on its way.\n"},
		},
	},
	{
		file:    "bounce-headers-only.eml",
		id:      "dsn-headers@mx.example.net",
		subject: "Delivery Status Notification (Failure)",
		date:    "2026-03-05T09:10:00Z",
		from:    Address{Name: "", Email: "postmaster@mx.example.net", Raw: ""},
		text:    "Delivery to the following recipient failed permanently: gone@example.org",
		auto:    "bounce",
		bounced: "reply-3.7kq2m9@desk.example.com",
		lang:    "en",
		atts: []att{
			{"attachment-1.txt", "message/delivery-status", "", false, "Final-Recipient: rfc822; gone@example.org\nAction: failed\nStatus: 5.0.0\n"},
			{"attachment-2.txt", "text/rfc822-headers", "", false, "From: Support <support@example.com>\nTo: gone@example.org\nSubject: [#7kq2m9] Your order 1042\nMessage-ID: <reply-3.7kq2m9@desk.example.com>\n"},
		},
	},
	{
		file:    "bounce-plain.eml",
		id:      "plain-bounce@old.example.net",
		subject: "Returned mail: see transcript for details",
		date:    "2026-03-05T09:20:00Z",
		from:    Address{Name: "Mail Delivery Subsystem", Email: "MAILER-DAEMON@old.example.net", Raw: ""},
		text:    "The original message was received at Thu, 5 Mar 2026 09:19:00 +0000.\n\n   ----- The following addresses had permanent fatal errors -----\n<lost@example.org>\n\n   ----- Original message headers follow -----\nFrom: Support <support@example.com>\nMessage-ID: <reply-5.7kq2m9@desk.example.com>\nSubject: [#7kq2m9] Your order 1042",
		auto:    "bounce",
		bounced: "reply-5.7kq2m9@desk.example.com",
		lang:    "en",
	},
	{
		file:     "broken-base64.eml",
		id:       "broken-base64@example.com",
		subject:  "Broken base64",
		date:     "2026-03-04T12:00:00Z",
		from:     Address{Name: "Lee", Email: "lee@example.com", Raw: ""},
		text:     "Hello, this is base64 with noise and no padding",
		lang:     "en",
		warnings: []string{"broken base64 decoded as far as possible"},
	},
	{
		file:     "broken-qp.eml",
		id:       "broken-qp@example.com",
		subject:  "Broken quoted-printable",
		date:     "2026-03-04T12:01:00Z",
		from:     Address{Name: "Lee", Email: "lee@example.com", Raw: ""},
		text:     "Price = 10 €, discount =ZZ and a soft break, a lone = sign and a cut escape =E",
		lang:     "",
		warnings: []string{"broken quoted-printable decoded as far as possible"},
	},
	{
		file:    "bulk.eml",
		id:      "bulk-1@example.net",
		subject: "Our newsletter",
		date:    "2026-03-05T10:20:00Z",
		from:    Address{Name: "Marketing", Email: "promo@example.net", Raw: ""},
		text:    "Read our newsletter.",
		auto:    "bulk",
		lang:    "",
	},
	{
		file:     "cr-only.eml",
		id:       "cr-only@example.com",
		subject:  "Classic Mac line ends",
		date:     "2026-03-07T09:00:00Z",
		from:     Address{Name: "Yuri", Email: "yuri@example.com", Raw: ""},
		text:     "First line.\nSecond line.",
		lang:     "",
		warnings: []string{"CR-only line ends read as LF"},
	},
	{
		file:     "garbage-date.eml",
		id:       "garbage-date@example.com",
		subject:  "Garbage date",
		date:     "",
		from:     Address{Name: "Xena", Email: "xena@example.com", Raw: ""},
		text:     "The date above cannot be read.",
		lang:     "en",
		warnings: []string{"unparseable Date \"the day after yesterday, around noon\""},
	},
	{
		file:     "header-name-spaces.eml",
		id:       "spaced.name@example.com",
		subject:  "Header names with spaces",
		date:     "2026-03-04T09:00:00Z",
		from:     Address{Name: "Dana", Email: "dana@example.com", Raw: ""},
		text:     "A mail program wrote the header names with spaces.",
		lang:     "en",
		warnings: []string{"header name \"Message ID\" with spaces at header line 4 read as Message-ID", "header name \"Reply To\" with spaces at header line 5 read as Reply-To"},
	},
	{
		file:    "html-only.eml",
		id:      "html-only@example.com",
		subject: "HTML only",
		date:    "2026-03-04T13:30:00Z",
		from:    Address{Name: "Oscar", Email: "oscar@example.com", Raw: ""},
		text:    "# Refund request\n\nHello, I would like a **refund** for order [1042](https://shop.example.com/orders/1042).\n\n- Lamp, 20 €\n- Bulb, 3 €\n\nRegards,\nOscar",
		html:    true,
		lang:    "en",
	},
	{
		file:    "junk.eml",
		id:      "junk-1@example.net",
		subject: "Another newsletter",
		date:    "2026-03-05T10:21:00Z",
		from:    Address{Name: "Marketing", Email: "promo@example.net", Raw: ""},
		text:    "Read our other newsletter.",
		auto:    "bulk",
		lang:    "",
	},
	{
		file:    "lang-de.eml",
		id:      "lang-de@example.de",
		subject: "Frage zu meiner Bestellung",
		date:    "2026-03-06T09:00:00Z",
		from:    Address{Name: "Jana Schmidt", Email: "jana@example.de", Raw: ""},
		text:    "Guten Tag, meine Bestellung von letzter Woche ist noch nicht angekommen. Können Sie bitte nachsehen, wo sich das Paket gerade befindet? Vielen Dank im Voraus.",
		lang:    "de",
	},
	{
		file:    "lang-ko.eml",
		id:      "lang-ko@example.kr",
		subject: "주문 배송 문의",
		date:    "2026-03-06T09:00:00Z",
		from:    Address{Name: "김민준", Email: "minjun@example.kr", Raw: ""},
		text:    "안녕하세요. 지난주에 주문한 상품이 아직 도착하지 않았습니다. 배송 상태를 확인해 주시면 감사하겠습니다.",
		lang:    "ko",
	},
	{
		file:    "lang-th.eml",
		id:      "lang-th@example.co.th",
		subject: "สอบถามเรื่องการจัดส่ง",
		date:    "2026-03-06T09:00:00Z",
		from:    Address{Name: "Somchai", Email: "somchai@example.co.th", Raw: ""},
		text:    "สวัสดีครับ สินค้าที่สั่งซื้อเมื่อสัปดาห์ที่แล้วยังไม่ได้รับเลยครับ รบกวนช่วยตรวจสอบสถานะการจัดส่งให้ด้วยครับ",
		lang:    "th",
	},
	{
		file:    "lang-tr.eml",
		id:      "lang-tr@example.com.tr",
		subject: "Siparişim hakkında",
		date:    "2026-03-06T09:00:00Z",
		from:    Address{Name: "Ayşe Yılmaz", Email: "ayse@example.com.tr", Raw: ""},
		text:    "Merhaba, geçen hafta verdiğim sipariş hâlâ elime ulaşmadı. Kargonun nerede olduğunu kontrol edebilir misiniz? Teşekkür ederim.",
		lang:    "tr",
	},
	{
		file:    "lenient-date.eml",
		id:      "lenient-date@example.com",
		subject: "An odd but readable date",
		date:    "2026-03-06T10:00:00Z",
		from:    Address{Name: "Xena", Email: "xena@example.com", Raw: ""},
		text:    "A date with a comment and a trailing zone name.",
		lang:    "en",
	},
	{
		file:    "list-unsubscribe.eml",
		id:      "news-1@shop.example.com",
		subject: "Spring sale",
		date:    "2026-03-05T10:10:00Z",
		from:    Address{Name: "Shop News", Email: "news@shop.example.com", Raw: ""},
		text:    "Everything is 20 percent off this week.",
		auto:    "list",
		lang:    "en",
	},
	{
		file:    "list.eml",
		id:      "list-post@lists.example.org",
		subject: "[users] Tip: exporting orders as CSV",
		date:    "2026-03-05T10:00:00Z",
		from:    Address{Name: "Rita via Users", Email: "users@lists.example.org", Raw: ""},
		text:    "You can export orders as CSV from the reports page.",
		auto:    "list",
		lang:    "en",
	},
	{
		file:    "loop.eml",
		id:      "reply-6.7kq2m9@desk.example.com",
		subject: "[#7kq2m9] Your order 1042",
		date:    "2026-03-05T10:30:00Z",
		from:    Address{Name: "Support", Email: "support@example.com", Raw: ""},
		text:    "Our own reply came back to us.",
		loop:    true,
		lang:    "",
	},
	{
		file:     "missing-final-boundary.eml",
		id:       "no-final-boundary@example.com",
		subject:  "Truncated multipart",
		date:     "2026-03-04T10:00:00Z",
		from:     Address{Name: "Fay", Email: "fay@example.com", Raw: ""},
		text:     "The invoice is attached.",
		lang:     "en",
		warnings: []string{"missing final MIME boundary in multipart/mixed"},
		atts: []att{
			{"invoice.csv", "text/csv", "", false, "item,price\nlamp,20.00\n"},
		},
	},
	{
		file:     "no-date.eml",
		id:       "no-date@example.com",
		subject:  "No date",
		date:     "",
		from:     Address{Name: "Xena", Email: "xena@example.com", Raw: ""},
		text:     "No Date header at all.",
		lang:     "",
		warnings: []string{"no Date header"},
	},
	{
		file:     "no-message-id.eml",
		id:       "4656cbd1b44cb310a76b51699ef59270@ticket.invalid",
		subject:  "No Message-ID here",
		date:     "2026-03-06T11:00:00Z",
		from:     Address{Name: "Walt", Email: "walt@example.com", Raw: ""},
		text:     "A client that did not add a Message-ID.",
		lang:     "en",
		warnings: []string{"no Message-ID, derived one from the message bytes"},
	},
	{
		file:    "nul-bytes.eml",
		id:      "nul-bytes@example.com",
		subject: "NUL bytes",
		date:    "2026-03-07T09:40:00Z",
		from:    Address{Name: "Ada", Email: "ada@example.com", Raw: ""},
		text:    "Text with a NUL byte, a lone\nCR and invalid ÿþ UTF-8 â‚.",
		lang:    "en",
	},
	{
		file:    "plain-en.eml",
		id:      "CAF1042.ann@mail.example.com",
		subject: "Re: [#7KQ2M9] Order 1042 arrived damaged",
		date:    "2026-03-03T13:05:09Z",
		from:    Address{Name: "Baker, Ann", Email: "ann.baker@example.com", Raw: ""},
		text:    "Hello,\n\nthe parcel for order 1042 arrived today, but the box was crushed and the\nglass inside is broken. Could you please send a replacement or refund the\norder? I have attached no photos yet, but I can take some if you need them.\n\nThanks,\nAnn",
		lang:    "en",
	},
	{
		file:    "quoted-german.eml",
		id:      "quoted-german@example.de",
		subject: "AW: [#7kq2m9] Bestellung 1042",
		date:    "2026-03-06T08:20:00Z",
		from:    Address{Name: "Uwe", Email: "uwe@example.de", Raw: ""},
		text:    "Hallo,\n\nvielen Dank für die schnelle Antwort. Die Ersatzlieferung ist heute\nangekommen und alles ist in Ordnung.\n\nViele Grüße\nUwe",
		quoted:  "Am 05.03.2026 um 10:30 schrieb Support <support@example.com>:\n> Ihre Ersatzlieferung ist unterwegs.",
		lang:    "de",
	},
	{
		file:    "quoted-gmail.eml",
		id:      "quoted-gmail@example.com",
		subject: "Re: [#7kq2m9] Order 1042",
		date:    "2026-03-06T09:00:00Z",
		from:    Address{Name: "Sam", Email: "sam@example.com", Raw: ""},
		text:    "Thank you, the replacement arrived this morning.\n\nSam",
		quoted:  "On Thu, 5 Mar 2026 at 10:30, Support <support@example.com>\nwrote:\n\n> Your replacement is on its way.\n>\n> Kind regards",
		lang:    "en",
	},
	{
		file:    "quoted-outlook.eml",
		id:      "quoted-outlook@example.com",
		subject: "RE: [#7kq2m9] Order 1042",
		date:    "2026-03-06T09:10:00Z",
		from:    Address{Name: "Tara", Email: "tara@example.com", Raw: ""},
		text:    "Yes, please go ahead with the refund.",
		quoted:  "-----Original Message-----\nFrom: Support <support@example.com>\nSent: Thursday, March 5, 2026 10:30 AM\nTo: Tara <tara@example.com>\nSubject: [#7kq2m9] Order 1042\n\nShall we refund the order or send a replacement?",
		lang:    "en",
	},
	{
		file:    "quoted-trailing.eml",
		id:      "quoted-trailing@example.com",
		subject: "Re: Order 1042",
		date:    "2026-03-06T09:30:00Z",
		from:    Address{Name: "Vic", Email: "vic@example.com", Raw: ""},
		text:    "> Which colour would you like?\n\nBlue, please.\n\n> And which size?\n\nLarge.",
		quoted:  "> We will ship tomorrow.\n>\n> Support",
		lang:    "",
	},
	{
		file:    "raw-8bit-header-guess.eml",
		id:      "raw-8bit-guess@example.com",
		subject: "“Quoted” – and € sign",
		date:    "2026-03-07T09:30:00Z",
		from:    Address{Name: "Björn", Email: "bjorn@example.com", Raw: ""},
		text:    "No charset anywhere: café.",
		lang:    "",
	},
	{
		file:    "raw-8bit-header-hint.eml",
		id:      "raw-8bit-hint@example.com",
		subject: "Ça coûte trop cher",
		date:    "2026-03-07T09:20:00Z",
		from:    Address{Name: "Renée", Email: "renee@example.com", Raw: ""},
		text:    "Le prix est de 30 €.",
		lang:    "",
	},
	{
		file:    "raw-8bit-header-utf8.eml",
		id:      "raw-8bit-utf8@example.com",
		subject: "Größe und Farbe",
		date:    "2026-03-07T09:10:00Z",
		from:    Address{Name: "Zoë Ärger", Email: "zoe@example.com", Raw: ""},
		text:    "Raw UTF-8 in the header.",
		lang:    "",
	},
	{
		file:    "rfc2047-filename.eml",
		id:      "rfc2047-name@example.com",
		subject: "RFC 2047 file names",
		date:    "2026-03-04T12:31:00Z",
		from:    Address{Name: "Max", Email: "max@example.com", Raw: ""},
		text:    "One file.",
		lang:    "",
		atts: []att{
			{"Übersicht Kunden.xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "", false, "PK\x03\x04"},
		},
	},
	{
		file:    "rfc2231-filename.eml",
		id:      "rfc2231@example.com",
		subject: "RFC 2231 file names",
		date:    "2026-03-04T12:30:00Z",
		from:    Address{Name: "Max", Email: "max@example.com", Raw: ""},
		text:    "Two files.",
		lang:    "",
		atts: []att{
			{"Ärger mit der Bestellung.pdf", "application/pdf", "", false, "%PDF-"},
			{"€-Preise f%FCr März.txt", "text/plain", "", false, "prices"},
		},
	},
	{
		file:    "split-encoded-word.eml",
		id:      "split-encoded-word@example.de",
		subject: "äöü ein Charakter geteilt: € am Ende",
		date:    "2026-03-06T10:30:00Z",
		from:    Address{Name: "Jürgen Müller", Email: "juergen@example.de", Raw: ""},
		text:    "Encoded words that split a character.",
		lang:    "",
	},
	{
		file:     "unindented-continuation.eml",
		id:       "unindented@example.com",
		subject:  "A subject that a broken gateway folded without indenting the next line",
		date:     "2026-03-04T09:30:00Z",
		from:     Address{Name: "Erik", Email: "erik@example.com", Raw: ""},
		text:     "The body starts after the blank line.",
		lang:     "en",
		warnings: []string{"unindented continuation line at header line 4"},
	},
	{
		file:     "unknown-charset-8bit.eml",
		id:       "unknown-charset-8bit@example.com",
		subject:  "Unknown charset label, Latin bytes",
		date:     "2026-03-04T11:31:00Z",
		from:     Address{Name: "Kim", Email: "kim@example.com", Raw: ""},
		text:     "Café crème € 5",
		lang:     "fr",
		warnings: []string{"unknown charset \"x-mac-klingon\", read as windows-1252"},
	},
	{
		file:     "unknown-charset.eml",
		id:       "unknown-charset@example.com",
		subject:  "Unknown charset label",
		date:     "2026-03-04T11:30:00Z",
		from:     Address{Name: "Kim", Email: "kim@example.com", Raw: ""},
		text:     "Café au lait, UTF-8 bytes under a made-up label.",
		lang:     "",
		warnings: []string{"unknown charset \"x-mac-klingon\", read as UTF-8"},
	},
	{
		file:    "auto-reply-from-list.eml",
		id:      "auto-reply-from-list@lists.example.org",
		subject: "Automatic reply: [#7kq2m9] Order 1042",
		date:    "2026-03-05T09:40:00Z",
		from:    Address{Name: "Vera", Email: "vera@lists.example.org", Raw: ""},
		text:    "I am on holiday.",
		auto:    "auto-reply",
		lang:    "",
	},
	{
		file:    "bounce-null-sender.eml",
		id:      "null-sender@mx.example.net",
		subject: "Message not delivered",
		date:    "2026-03-05T09:30:00Z",
		from:    Address{Name: "Mail System", Email: "mail@mx.example.net", Raw: ""},
		text:    "Your message could not be delivered: mailbox full.",
		auto:    "bounce",
		bounced: "reply-7.7kq2m9@desk.example.com",
		lang:    "",
		atts: []att{
			{"attachment-1.eml", "message/rfc822", "", false, "From: Support <support@example.com>\nTo: full@example.org\nSubject: [#7kq2m9] Your order 1042\nMessage-ID: <reply-7.7kq2m9@desk.example.com>\n\nYour replacement is on its way.\n"},
		},
	},
	{
		file:    "empty-plain-alternative.eml",
		id:      "empty-plain@example.com",
		subject: "Empty plain part",
		date:    "2026-03-06T09:50:00Z",
		from:    Address{Name: "Wim", Email: "wim@example.com", Raw: ""},
		text:    "Only the HTML part has the text.",
		html:    true,
		lang:    "en",
	},
	{
		file:    "flowed.eml",
		id:      "flowed@example.com",
		subject: "Re: Format flowed",
		date:    "2026-03-06T10:05:00Z",
		from:    Address{Name: "Xia", Email: "xia@example.com", Raw: ""},
		text:    "This paragraph was wrapped by the mail program at a width that the reader never chose, and format=flowed lets us join it again.\nFrom here the line was space-stuffed.\n\n> A quoted paragraph that was also wrapped by the sender.\n\n-- \nXia",
		lang:    "en",
	},
	{
		file:     "mislabelled-utf8.eml",
		id:       "mislabelled@example.com",
		subject:  "Labelled UTF-8, written in Latin-1",
		date:     "2026-03-06T10:10:00Z",
		from:     Address{Name: "Yan", Email: "yan@example.com", Raw: ""},
		text:     "Sébastien a reçu la facture.",
		lang:     "",
		warnings: []string{"text labelled \"utf-8\" is not UTF-8, read as windows-1252"},
	},
	{
		file:    "quoted-gmail-html.eml",
		id:      "quoted-gmail-html@example.com",
		subject: "Re: [#7kq2m9] Order 1042",
		date:    "2026-03-06T09:05:00Z",
		from:    Address{Name: "Sam", Email: "sam@example.com", Raw: ""},
		text:    "Thanks, the new lamp works.",
		quoted:  "On Thu, 5 Mar 2026 at 10:30, Support &lt;[support@example.com](mailto:support@example.com)&gt; wrote:\n\n> Your replacement is on its way.",
		html:    true,
		lang:    "",
	},
	{
		file:    "quoted-outlook-html.eml",
		id:      "quoted-outlook-html@example.com",
		subject: "RE: [#7kq2m9] Order 1042",
		date:    "2026-03-06T09:15:00Z",
		from:    Address{Name: "Tara", Email: "tara@example.com"},
		text:    "Refund is fine, thank you.",
		quoted:  "* * *\n\n**From:** Support &lt;support@example.com&gt;\n**Sent:** Thursday, March 5, 2026 10:30 AM\n**To:** Tara &lt;tara@example.com&gt;\n**Subject:** \\[#7kq2m9] Order 1042\n\nShall we refund the order?",
		html:    true,
		lang:    "",
	},
	{
		file:    "html-table.eml",
		id:      "order-1042@shop.example.com",
		subject: "Your order 1042",
		date:    "2026-03-02T08:00:00Z",
		from:    Address{Name: "Shop", Email: "orders@shop.example.com"},
		text:    "Thank you for your order.\n\nItem Qty Price\n\nDesk lamp 1 20.00 €\n\nBulb 2 3.00 €",
		html:    true,
		lang:    "",
	},
}

func TestParseCorpus(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", "mail", "*.eml"))
	if err != nil {
		t.Fatal(err)
	}
	covered := map[string]bool{}
	for _, c := range parseCases {
		covered[c.file] = true
		t.Run(strings.TrimSuffix(c.file, ".eml"), func(t *testing.T) {
			raw, err := os.ReadFile(filepath.Join("testdata", "mail", c.file))
			if err != nil {
				t.Fatal(err)
			}
			m, err := Parse(raw, Options{})
			if err != nil {
				t.Fatal(err)
			}
			checkInvariants(t, m)
			eq := func(field string, got, want any) {
				t.Helper()
				if !reflect.DeepEqual(got, want) {
					t.Errorf("%s = %#v, want %#v", field, got, want)
				}
			}
			eq("MessageID", m.MessageID, c.id)
			eq("Subject", m.Subject, c.subject)
			date := ""
			if !m.Date.IsZero() {
				date = m.Date.Format(time.RFC3339)
				eq("Date location", m.Date.Location(), time.UTC)
			}
			eq("Date", date, c.date)
			eq("From", m.From, c.from)
			eq("Text", m.Text, c.text)
			eq("Quoted", m.Quoted, c.quoted)
			eq("HTML", m.HTML, c.html)
			eq("Loop", m.Loop, c.loop)
			eq("Auto", m.Auto, c.auto)
			eq("Bounced", m.Bounced, c.bounced)
			eq("Language", m.Language, c.lang)
			eq("Warnings", m.Warnings, c.warnings)
			var atts []att
			for _, a := range m.Attachments {
				atts = append(atts, att{a.Filename, a.ContentType, a.ContentID, a.Inline, string(a.Data)})
			}
			eq("Attachments", atts, c.atts)
			if string(m.Raw) != string(raw) {
				t.Error("Raw is not the input")
			}
		})
	}
	for _, f := range files {
		if !covered[filepath.Base(f)] {
			t.Errorf("%s has no expectations in parseCases", f)
		}
	}
}

// checkInvariants asserts what every Message promises whatever the input.
func checkInvariants(t testing.TB, m *Message) {
	t.Helper()
	strs := []string{m.MessageID, m.Subject, m.Text, m.Quoted, m.Auto, m.Bounced, m.Language,
		m.From.Name, m.From.Email, m.From.Raw}
	strs = append(strs, m.InReplyTo...)
	strs = append(strs, m.References...)
	strs = append(strs, m.DeliveredTo...)
	strs = append(strs, m.Warnings...)
	for _, list := range [][]Address{m.ReplyTo, m.To, m.Cc} {
		for _, a := range list {
			strs = append(strs, a.Name, a.Email, a.Raw)
		}
	}
	for _, a := range m.Attachments {
		strs = append(strs, a.Filename, a.ContentType, a.ContentID)
		if a.Filename == "" || strings.ContainsAny(a.Filename, "/\\\x00") || a.Filename == "." || a.Filename == ".." || len(a.Filename) > maxFilenameBytes {
			t.Errorf("unsafe attachment name %q", a.Filename)
		}
	}
	for _, s := range strs {
		if !utf8.ValidString(s) {
			t.Errorf("invalid UTF-8 in %q", s)
		}
		if strings.ContainsRune(s, 0) {
			t.Errorf("NUL in %q", s)
		}
		if strings.ContainsRune(s, '\r') {
			t.Errorf("CR in %q", s)
		}
	}
	for _, s := range []string{m.MessageID, m.Subject, m.From.Name, m.From.Email} {
		if strings.ContainsRune(s, '\n') {
			t.Errorf("line break in single-line field %q", s)
		}
	}
	if m.MessageID == "" {
		t.Error("empty MessageID")
	}
	if !m.Date.IsZero() && m.Date.Location() != time.UTC {
		t.Errorf("Date %v not in UTC", m.Date)
	}
	switch m.Auto {
	case "", AutoReply, AutoBounce, AutoList, AutoBulk:
	default:
		t.Errorf("Auto = %q", m.Auto)
	}
}
