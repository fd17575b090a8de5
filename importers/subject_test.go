package importers

import "testing"

func TestSubjectTag(t *testing.T) {
	tests := []struct {
		subject string
		id      string
		ok      bool
		clean   string
	}{
		{"[#7kq2m9] Order 1042", "7kq2m9", true, "Order 1042"},
		{"Re: [#7kq2m9] Order 1042", "7kq2m9", true, "Order 1042"},
		{"RE: RE: [#7KQ2M9] Order 1042", "7kq2m9", true, "Order 1042"},
		{"Fwd: FW: Order 1042 [#7kq2m9]", "7kq2m9", true, "Order 1042"},
		{"AW: WG: [#7kq2m9] Bestellung", "7kq2m9", true, "Bestellung"},
		{"SV: VS: [#7kq2m9] Tilaus", "7kq2m9", true, "Tilaus"},
		{"Antw: [#7kq2m9] Bestelling", "7kq2m9", true, "Bestelling"},
		{"Re[2]: [#7kq2m9] Order", "7kq2m9", true, "Order"},
		{"Re(3): Re^2: [#7kq2m9] Order", "7kq2m9", true, "Order"},
		{"Ynt: [#7kq2m9] Sipariş", "7kq2m9", true, "Sipariş"},
		{"İlt: [#7kq2m9] Sipariş", "7kq2m9", true, "Sipariş"},
		{"答复: [#7kq2m9] 订单", "7kq2m9", true, "订单"},
		{"回复：[#7kq2m9] 订单", "7kq2m9", true, "订单"},
		{"転送: 返信: [#7kq2m9] 注文", "7kq2m9", true, "注文"},
		{"답장: [#7kq2m9] 주문", "7kq2m9", true, "주문"},
		{"Отв: [#7kq2m9] Заказ", "7kq2m9", true, "Заказ"},
		{"TR: RV: [#7kq2m9] Commande", "7kq2m9", true, "Commande"},
		{"Re: [ # 7kq2m9 ] spaced", "7kq2m9", true, "spaced"},
		{"Re: Order 1042", "", false, "Order 1042"},
		{"Re: [7kq2m9] no hash", "", false, "[7kq2m9] no hash"},
		{"Re: [#7kq2mi] letter i is not in the alphabet", "", false, "[#7kq2mi] letter i is not in the alphabet"},
		{"[users] Re: [#abc123] listed", "abc123", true, "[users] Re: listed"},
		{"  Re:   spaced    out  ", "", false, "spaced out"},
		{"", "", false, ""},
		{"Re:", "", false, ""},
		{"Reply needed", "", false, "Reply needed"},
		{"Return: policy", "", false, "Return: policy"},
		// A control character inside the tag splits it, C1 ones included.
		{"Re: [#7kq\x002m9] split", "", false, "split"},
		{"Re: [#7kq\u008f2m9] split", "", false, "split"},
	}
	for _, tt := range tests {
		id, ok := SubjectTag(tt.subject)
		if id != tt.id || ok != tt.ok {
			t.Errorf("SubjectTag(%q) = %q, %v; want %q, %v", tt.subject, id, ok, tt.id, tt.ok)
		}
		if got := CleanSubject(tt.subject); got != tt.clean {
			t.Errorf("CleanSubject(%q) = %q, want %q", tt.subject, got, tt.clean)
		}
	}
}
