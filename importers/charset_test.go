package importers

import (
	"bytes"
	"encoding/base64"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf16"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/japanese"
	"golang.org/x/text/encoding/korean"
	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/traditionalchinese"
	"golang.org/x/text/encoding/unicode"
)

var update = flag.Bool("update", false, "rewrite generated files under testdata")

// charsetCase is one message of the charset corpus: the label as sent, the
// encoder that produced its bytes, and the UTF-8 text it must decode to.
type charsetCase struct {
	label   string
	enc     encoding.Encoding // nil for UTF-7
	cte     string            // body Content-Transfer-Encoding
	subject string
	body    string
}

var charsetCases = []charsetCase{
	{"ISO-2022-JP", japanese.ISO2022JP, "7bit", "注文の件について", "商品がまだ届いていません。確認をお願いします。"},
	{"EUC-KR", korean.EUCKR, "8bit", "주문 문의", "주문한 상품이 아직 도착하지 않았습니다. 확인 부탁드립니다."},
	{"ks_c_5601-1987", korean.EUCKR, "base64", "배송 문의", "배송이 언제 되나요?"},
	{"GB18030", simplifiedchinese.GB18030, "8bit", "订单问题", "我的订单还没有收到，请帮我查一下。"},
	{"GB2312", simplifiedchinese.GBK, "", "发票问题", "请给我发一张发票。"},
	{"GBK", simplifiedchinese.GBK, "base64", "退款申请", "我想申请退款，谢谢。"},
	{"Big5", traditionalchinese.Big5, "8bit", "訂單問題", "我的訂單還沒有收到，請幫我查一下。"},
	{"KOI8-R", charmap.KOI8R, "8bit", "Вопрос о заказе", "Мой заказ ещё не пришёл. Проверьте, пожалуйста."},
	{"windows-1250", charmap.Windows1250, "quoted-printable", "Zamówienie nr 12", "Dzień dobry, zamówienie jeszcze nie dotarło. Proszę sprawdzić."},
	{"windows-1251", charmap.Windows1251, "8bit", "Счёт на оплату", "Здравствуйте, пришлите, пожалуйста, счёт."},
	{"windows-1252", charmap.Windows1252, "quoted-printable", "Bestellung – Größe", "Grüße, die Rechnung über 20 € fehlt noch."},
	{"windows-1253", charmap.Windows1253, "8bit", "Παραγγελία", "Η παραγγελία μου δεν έφτασε ακόμη."},
	{"windows-1254", charmap.Windows1254, "8bit", "Sipariş sorunu", "Siparişim henüz gelmedi, lütfen kontrol eder misiniz?"},
	{"windows-1255", charmap.Windows1255, "8bit", "הזמנה", "ההזמנה שלי עוד לא הגיעה."},
	{"windows-1256", charmap.Windows1256, "8bit", "طلب", "لم يصل طلبي بعد."},
	{"windows-1257", charmap.Windows1257, "8bit", "Užsakymas", "Mano užsakymas dar neatėjo."},
	{"windows-1258", charmap.Windows1258, "8bit", "Đơn hàng", "Xin chào. Đơn hàng đâu?"},
	{"ISO-8859-1", charmap.ISO8859_1, "8bit", "Café fermé", "Bonjour, où est ma commande ? Merci beaucoup."},
	{"ISO-8859-2", charmap.ISO8859_2, "quoted-printable", "Objednávka", "Dobrý den, moje objednávka ještě nepřišla."},
	{"ISO-8859-3", charmap.ISO8859_3, "8bit", "Ordni", "Għandi problema bl-ordni tiegħi."},
	{"ISO-8859-4", charmap.ISO8859_4, "8bit", "Pasūtījums", "Mans pasūtījums vēl nav ieradies."},
	{"ISO-8859-5", charmap.ISO8859_5, "8bit", "Доставка", "Когда будет доставка?"},
	{"ISO-8859-6", charmap.ISO8859_6, "8bit", "شحن", "متى يصل الشحن؟"},
	{"ISO-8859-7", charmap.ISO8859_7, "8bit", "Επιστροφή", "Θέλω να επιστρέψω το προϊόν."},
	{"ISO-8859-8", charmap.ISO8859_8, "8bit", "משלוח", "מתי יגיע המשלוח?"},
	{"ISO-8859-9", charmap.ISO8859_9, "8bit", "İade talebi", "Ürünü iade etmek istiyorum, teşekkürler."},
	{"ISO-8859-10", charmap.ISO8859_10, "8bit", "Pöntun", "Pöntunin mín er ekki komin, hvað gerðist?"},
	{"ISO-8859-11", charmap.Windows874, "8bit", "สอบถาม", "ขอบคุณครับ"},
	{"ISO-8859-13", charmap.ISO8859_13, "8bit", "Prekė", "Prekė sugadinta, prašau grąžinti pinigus."},
	{"ISO-8859-14", charmap.ISO8859_14, "8bit", "Archeb", "Mae fy archeb yn hwyr, ŵyr ŷch chi?"},
	{"ISO-8859-15", charmap.ISO8859_15, "8bit", "Œuvre", "Le prix est 20 € pour l'œuvre."},
	{"ISO-8859-16", charmap.ISO8859_16, "8bit", "Comandă", "Comanda mea nu a sosit încă, vă rog verificați."},
	{"TIS-620", charmap.Windows874, "8bit", "คำสั่งซื้อ", "สินค้ายังไม่มาถึง กรุณาตรวจสอบด้วยครับ"},
	{"windows-874", charmap.Windows874, "base64", "ใบเสร็จ", "ขอใบเสร็จด้วยครับ"},
	{"UTF-7", nil, "7bit", "Grüße aus Köln", "Ich habe eine Frage zu den €-Preisen + Versand."},
	{"UTF-16", unicode.UTF16(unicode.BigEndian, unicode.IgnoreBOM), "base64", "Zwölf Äpfel", "Die zwölf Äpfel sind angekommen, danke!"},
	{"UTF-16LE", unicode.UTF16(unicode.LittleEndian, unicode.IgnoreBOM), "base64", "Ñandú", "El ñandú llegó bien."},
}

// encodeUTF7 writes RFC 2152 UTF-7, shifting every non-ASCII run.
func encodeUTF7(s string) []byte {
	var out []byte
	var run []rune
	flush := func() {
		if len(run) == 0 {
			return
		}
		units := utf16.Encode(run)
		b := make([]byte, 0, 2*len(units))
		for _, u := range units {
			b = append(b, byte(u>>8), byte(u))
		}
		out = append(out, '+')
		out = append(out, base64.RawStdEncoding.EncodeToString(b)...)
		out = append(out, '-')
		run = run[:0]
	}
	for _, r := range s {
		switch {
		case r == '+':
			flush()
			out = append(out, "+-"...)
		case r < 0x80:
			flush()
			out = append(out, byte(r))
		default:
			run = append(run, r)
		}
	}
	flush()
	return out
}

func (c charsetCase) encode(t testing.TB, s string) []byte {
	if c.enc == nil {
		return encodeUTF7(s)
	}
	b, err := c.enc.NewEncoder().Bytes([]byte(s))
	if err != nil {
		t.Fatalf("%s cannot encode %q: %v", c.label, s, err)
	}
	return b
}

func (c charsetCase) file() string {
	return filepath.Join("testdata", "charsets", strings.ToLower(c.label)+".eml")
}

// message builds the .eml bytes: the subject as an RFC 2047 B word in the
// charset, the body in the charset with the case's transfer encoding.
func (c charsetCase) message(t testing.TB) []byte {
	subj := c.encode(t, c.subject)
	body := c.encode(t, c.body+"\n")
	if c.label == "UTF-16" {
		body = append([]byte{0xfe, 0xff}, body...)
	}
	var b bytes.Buffer
	fmt.Fprintf(&b, "From: Customer <customer@example.com>\n")
	fmt.Fprintf(&b, "To: help@example.com\n")
	fmt.Fprintf(&b, "Subject: =?%s?B?%s?=\n", c.label, base64.StdEncoding.EncodeToString(subj))
	fmt.Fprintf(&b, "Date: Mon, 2 Mar 2026 10:00:00 +0000\n")
	fmt.Fprintf(&b, "Message-ID: <%s@charsets.example.com>\n", strings.ToLower(c.label))
	fmt.Fprintf(&b, "MIME-Version: 1.0\n")
	fmt.Fprintf(&b, "Content-Type: text/plain; charset=%q\n", c.label)
	if c.cte != "" {
		fmt.Fprintf(&b, "Content-Transfer-Encoding: %s\n", c.cte)
	}
	b.WriteString("\n")
	switch c.cte {
	case "base64":
		enc := base64.StdEncoding.EncodeToString(body)
		for len(enc) > 76 {
			b.WriteString(enc[:76] + "\n")
			enc = enc[76:]
		}
		b.WriteString(enc + "\n")
	case "quoted-printable":
		for _, c := range body {
			if c == '\n' || c >= ' ' && c < 0x7f && c != '=' {
				b.WriteByte(c)
			} else {
				fmt.Fprintf(&b, "=%02X", c)
			}
		}
	default:
		b.Write(body)
	}
	return b.Bytes()
}

// TestCharsetCorpus checks every charset message decodes to the exact UTF-8
// subject and body. The .eml files are generated from the table above
// (go test -run TestCharsetCorpus -update) and must match it.
func TestCharsetCorpus(t *testing.T) {
	for _, c := range charsetCases {
		t.Run(c.label, func(t *testing.T) {
			want := c.message(t)
			if *update {
				if err := os.WriteFile(c.file(), want, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			raw, err := os.ReadFile(c.file())
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(raw, want) {
				t.Fatalf("%s differs from its generator; run with -update", c.file())
			}
			m, err := Parse(raw, Options{})
			if err != nil {
				t.Fatal(err)
			}
			if m.Subject != c.subject {
				t.Errorf("Subject = %q, want %q", m.Subject, c.subject)
			}
			if m.Text != c.body {
				t.Errorf("Text = %q, want %q", m.Text, c.body)
			}
			if len(m.Warnings) != 0 {
				t.Errorf("Warnings = %q, want none", m.Warnings)
			}
		})
	}
}
