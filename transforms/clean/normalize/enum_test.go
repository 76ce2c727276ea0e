package normalize

import "testing"

func TestEnum(t *testing.T) {
	cases := []struct {
		raw  string
		m    map[string]string
		want string
		ok   bool
	}{
		{"M", Genders, "male", true},
		{" 男 ", Genders, "male", true},
		{"１", Genders, "male", true},
		{"Woman", Genders, "female", true},
		{"女", Genders, "female", true},
		{"未知", Genders, "", true},
		{"", Genders, "", true},
		{"x", Genders, "", false},
		{"iOS", Channels, "app", true},
		{"H5", Channels, "web", true},
		{"小程序", Channels, "mini_program", true},
		{"WeApp", Channels, "mini_program", true},
		{"", Channels, "", false},
		{"UNPAID", OrderStatuses, "created", true},
		{"paid", OrderStatuses, "paid", true},
		{"delivering", OrderStatuses, "shipped", true},
		{"received", OrderStatuses, "completed", true},
		{"canceled", OrderStatuses, "cancelled", true},
		{"refund", OrderStatuses, "refunded", true},
		{"page_view", EventTypes, "view", true},
		{"add_to_cart", EventTypes, "cart", true},
		{"collect", EventTypes, "favourite", true},
		{"pay", EventTypes, "checkout", true},
		{"share", EventTypes, "share", true},
		{"短信", TouchChannels, "sms", true},
		{"E-Mail", TouchChannels, "email", true},
		{"app_push", TouchChannels, "push", true},
		{"read", TouchActions, "open", true},
		{"failed", TouchActions, "bounce", true},
		{"optout", TouchActions, "unsubscribe", true},
		{"退款", TicketCategories, "return", true},
		{"物流", TicketCategories, "delivery", true},
		{"咨询", TicketCategories, "inquiry", true},
		{"处理中", TicketStatuses, "pending", true},
		{"已关闭", TicketStatuses, "closed", true},
		{"new", TicketStatuses, "open", true},
		{"中高", IncomeBands, "upper_middle", true},
		{"lower_middle", IncomeBands, "lower_middle", true},
		{"高", IncomeBands, "high", true},
	}
	for _, c := range cases {
		got, ok := Enum(c.raw, c.m)
		if got != c.want || ok != c.ok {
			t.Errorf("Enum(%q) = %q, %v; want %q, %v", c.raw, got, ok, c.want, c.ok)
		}
	}
}

func TestBool(t *testing.T) {
	for in, want := range map[string]bool{
		"true": true, "TRUE": true, "1": true, "yes": true, "Y": true, "t": true, "是": true, "１": true,
		"false": false, "False": false, "0": false, "no": false, "n": false, "F": false, "否": false,
	} {
		got, err := Bool(in)
		if err != nil || got != want {
			t.Errorf("Bool(%q) = %v, %v", in, got, err)
		}
	}
	for _, in := range []string{"", "2", "maybe", "yes!", "\x00"} {
		if _, err := Bool(in); err == nil {
			t.Errorf("Bool(%q): want error", in)
		}
	}
}
