package ticket

import "testing"

// TestSameAddressLookAlikes: addresses compare strictly. ASCII case is
// folded (local part and domain) and internationalised domains meet their
// IDNA ASCII form; look-alikes never meet the real address.
func TestSameAddressLookAlikes(t *testing.T) {
	for _, c := range []struct {
		a, b string
		want bool
	}{
		{"alice@shop.example", "ALICE@Shop.Example", true},
		{"<alice@shop.example>", " alice@shop.example ", true},
		{"jane@bücher.example", "jane@xn--bcher-kva.example", true},
		{"jane@BÜCHER.example", "jane@bücher.example", true},
		{"alice@shop.example", "\u0430lice@shop.example", false},                     // Cyrillic а
		{"alice@shop.example", "alice@sh\u043ep.example", false},                     // Cyrillic о in the domain
		{"alice@shop.example", "\uff41\uff4c\uff49\uff43\uff45@shop.example", false}, // full-width local part
		{"alice@shop.example", "alice@\uff53\uff48\uff4f\uff50.example", false},      // full-width domain (UTS 46 would map it)
		{"alice@shop.example", "alice@\u017fhop.example", false},                     // long s folds to s in Unicode
		{"kate@shop.example", "\u212aate@shop.example", false},                       // Kelvin sign folds to k
		{"alice@shop.example", "alice@shop.example.evil.test", false},
		{"alice@shop.example", "alice@xn--shp-2ed.example", false}, // punycode of the Cyrillic о
		{"alice@shop.example", "alice@shop.example.", false},
		{"", "", false},
	} {
		if got := SameAddress(c.a, c.b); got != c.want {
			t.Errorf("SameAddress(%q, %q) = %v, want %v (keys %q, %q)", c.a, c.b, got, c.want, AddressKey(c.a), AddressKey(c.b))
		}
	}
}

// TestAgentLookAlikes: only an agent's own addresses and handle find them.
func TestAgentLookAlikes(t *testing.T) {
	c := &Config{Agents: []Agent{{Handle: "kate", Email: "kate@shop.example", Emails: []string{"k.b@bücher.example"}}}}
	for who, want := range map[string]bool{
		"kate":                        true,
		"KATE":                        true,
		"Kate@Shop.Example":           true,
		"k.b@xn--bcher-kva.example":   true,
		"\u212aate":                   false,
		"\u212aate@shop.example":      false,
		"kate@\u017fhop.example":      false,
		"kate@shop.example.evil.test": false,
		"kate@shop.examp1e":           false,
	} {
		if got := c.Agent(who) != nil; got != want {
			t.Errorf("Agent(%q) found = %v, want %v", who, got, want)
		}
	}
}
