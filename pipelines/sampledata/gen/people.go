package gen

import (
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
	"time"
)

// Lifecycle is what a person does in the window.
type Lifecycle int

// Lifecycles, with their shares in lifecycleWeights.
const (
	AnonVisitor Lifecycle = iota // browses without an account
	Silent                       // has an account, does nothing in the window
	Browser                      // browses, never buys
	OneTime                      // buys once
	Repeat                       // buys 2-4 times
	Loyal                        // buys 5-12 times
	Dormant                      // bought early in the window, then went quiet
)

// lifecycleWeights: ~30% of persons buy in the window (one-time 13.5 + repeat 10.5 + loyal 4.5 +
// dormant 1.5), which with the order counts below gives ~2.8 orders per buyer.
var lifecycleWeights = []float64{8, 20, 42, 13.5, 10.5, 4.5, 1.5}

// Buyer reports whether persons of the lifecycle place orders.
func (l Lifecycle) Buyer() bool { return l >= OneTime }

// Rates of the person model.
const (
	testPersonEvery   = 337   // one test person in every 337 (0.3%)
	secondAccountPct  = 0.05  // account holders with a second account
	consentRate       = 0.70  // marketing consent
	emailRate         = 0.65  // persons who gave an e-mail
	newAccountRate    = 0.22  // accounts registered inside the window
	dormantSpanEnd    = 0.35  // dormant persons are active in the first 35% of the window only
	lightBrowserRate  = 0.70  // browsers who come 1-3 days a month; the rest 4-12 days
	cookieResetRate   = 0.30  // web devices whose cookie is reset once in the window
	futureRegRate     = 0.001 // accounts whose reg_time is in the future (deliberately bad)
	contactChangeRate = 0.02  // accounts that change their phone and/or e-mail inside the window
)

// contactChangeWeights: a new phone, a new e-mail (for an account that has one, else a new
// phone), or both on the same day.
var contactChangeWeights = []float64{60, 25, 15}

// DeviceKind is the client a device runs.
type DeviceKind int

// ageBandLo are the lower bounds of the age bands persons are drawn from (16-17, 18-24, ... 55-70).
var ageBandLo = []int{16, 18, 25, 35, 45, 55, 71}

// Device kinds.
const (
	IOSApp DeviceKind = iota
	AndroidApp
	MiniProgram
	WebPC
	WebMobile
)

var deviceKindWeights = []float64{25, 30, 25, 12, 8}

// Device is one of a person's devices: an app install, a mini-program openid or a browser.
type Device struct {
	Kind     DeviceKind // client
	Platform string     // app, mini or web, as the clickstream writes it
	ID       string     // app or mini-program device id; empty for browsers
	Cookies  []string   // browser anonymous ids; the second one from CookieAt on
	CookieAt time.Time  // when the cookie was reset
	UA       string     // user agent the client sends
	Accounts []int      // accounts that log in on the device, the usual one first
}

// cookie returns the browser's anonymous id at t.
func (d *Device) cookie(t time.Time) string {
	if len(d.Cookies) > 1 && !t.Before(d.CookieAt) {
		return d.Cookies[1]
	}
	return d.Cookies[0]
}

// Account is one platform account of a person.
type Account struct {
	UID     string    // uid, unique over all accounts
	Phone   string    // 11-digit national number, empty when none was given
	Email   string    // canonical (lower-case) e-mail, empty when none
	Nick    string    // nick_name: real name, pinyin handle or nickname
	Channel string    // reg_channel as written
	Reg     time.Time // registration
	Consent bool      // marketing consent
	// NewPhone and NewEmail replace Phone and Email from ChangedAt on (empty: no change); the
	// person used both, so the truth gives them both.
	NewPhone, NewEmail string
	ChangedAt          time.Time
}

// phoneAt is the account's phone at t.
func (a *Account) phoneAt(t time.Time) string {
	if a.NewPhone != "" && !t.Before(a.ChangedAt) {
		return a.NewPhone
	}
	return a.Phone
}

// Person is one true person: everything the generator knows about them.
type Person struct {
	Index    int       // 0-based position in the run
	ID       string    // truth id, P00000001
	Life     Lifecycle // what the person does in the window
	Test     bool      // a QA test account
	Surname  hanzi     // family name
	Given    []hanzi   // given name, one or two characters
	Female   bool      // true gender
	Birth    time.Time // birthday
	City     city      // where the person lives
	Phone    string    // main phone, 11 digits ("" for anonymous visitors)
	Phone2   string    // second SIM, used by a second account
	Email    string    // canonical e-mail, empty when none was given
	Email2   string    // e-mail of a second account, when it has its own
	Consent  bool      // marketing consent of the main account
	Accounts []Account // none for anonymous visitors
	Devices  []Device  // 1-3 devices
	FavTops  []int     // favourite top categories, indexes into categoryTree
	Rate     float64   // expected active days per 30 days
	From, To time.Time // the stretch of the window the person is active in
	Mood     float64   // 0 unhappy .. 1 delighted, drives stars
}

// Name is the person's Chinese name.
func (p *Person) Name() string {
	var b strings.Builder
	b.WriteString(p.Surname.han)
	for _, g := range p.Given {
		b.WriteString(g.han)
	}
	return b.String()
}

// givenPinyin is the pinyin of the given name, syllables run together.
func (p *Person) givenPinyin() string {
	var b strings.Builder
	for _, g := range p.Given {
		b.WriteString(g.pinyin)
	}
	return b.String()
}

// Age is the person's age in whole years on day t.
func (p *Person) Age(t time.Time) int {
	t = t.In(Shanghai)
	a := t.Year() - p.Birth.Year()
	if t.YearDay() < p.Birth.YearDay() {
		a--
	}
	return a
}

// newPerson makes person idx. It draws only from the person's own stream.
func (g *generator) newPerson(idx int) *Person {
	r := newRand(g.seed, streamPerson, uint64(idx))
	p := &Person{Index: idx, ID: fmt.Sprintf("P%08d", idx+1)}
	p.Life = Lifecycle(weighted(r, lifecycleWeights))
	p.Test = idx%testPersonEvery == 7
	if p.Test && p.Life == AnonVisitor {
		p.Life = Browser
	}
	p.Female = chance(r, 0.55)
	p.Surname = pickSkewed(r, surnames)
	given := givenMale
	if p.Female {
		given = givenFemale
	}
	p.Given = []hanzi{pick(r, given)}
	if chance(r, 0.6) {
		p.Given = append(p.Given, pick(r, given))
	}
	band := weighted(r, []float64{2, 20, 35, 25, 12, 6})
	age := between(r, ageBandLo[band], ageBandLo[band+1]-1)
	p.Birth = g.w.End.AddDate(-age, 0, -r.IntN(365)).In(Shanghai)
	p.City = pick(r, cities[weighted(r, cityTierWeights)])
	p.Consent = chance(r, consentRate)
	p.Mood = 0.35 + 0.65*r.Float64()

	// Favourite top categories lean on gender.
	w := []float64{3, 3, 2, 2, 1, 2, 2, 1}
	if p.Female {
		w = []float64{6, 5, 1, 3, 3, 2, 1, 1}
	} else {
		w[2], w[6] = 6, 4
	}
	for n := between(r, 1, 3); len(p.FavTops) < n; {
		t := weighted(r, w)
		if !containsInt(p.FavTops, t) {
			p.FavTops = append(p.FavTops, t)
		}
	}

	g.makeDevices(r, p)
	if p.Life != AnonVisitor {
		p.Phone = g.phone(uint64(idx))
		if chance(r, emailRate) || p.Test {
			p.Email = g.email(r, p, uint64(idx))
		}
		g.makeAccounts(r, p)
		g.changeContacts(p)
	}
	g.makeSpan(r, p)
	return p
}

// changeContacts gives some accounts a new phone, e-mail or both on a day after the one their row
// was first exported on (the window's first day for accounts older than the window). The draws
// come from the person's own stream of changes, so the rest of the person stays as it was.
func (g *generator) changeContacts(p *Person) {
	if p.Test {
		return // test accounts share the test phones
	}
	r := newRand(g.seed, streamChanges, uint64(p.Index))
	for i := range p.Accounts {
		a := &p.Accounts[i]
		if !chance(r, contactChangeRate) || a.Phone == "" {
			continue
		}
		from := dayOf(maxTime(a.Reg, g.w.Start)).Add(24 * time.Hour)
		if !from.Before(g.w.End) {
			continue
		}
		a.ChangedAt = uniformTime(r, from, g.w.End)
		what := weighted(r, contactChangeWeights)
		if what == 1 && a.Email == "" {
			what = 0
		}
		// Slots no other phone or e-mail uses: persons' phones take s < 2^28 and second SIMs
		// s+2^29, so new ones take s+2^28 (s+3*2^28 for a second account); e-mails take s and
		// persons+s, so new ones (2+i)*persons+s.
		if what != 1 {
			a.NewPhone = g.phone(uint64(p.Index) + uint64(1+2*i)<<28)
		}
		if what != 0 && a.Email != "" {
			a.NewEmail = g.email(r, p, uint64((2+i)*g.persons+p.Index))
		}
	}
}

// makeDevices gives the person 1-3 devices (55/33/12%).
func (g *generator) makeDevices(r *rand.Rand, p *Person) {
	n := 1 + weighted(r, []float64{55, 33, 12})
	for i := 0; i < n; i++ {
		kw := deviceKindWeights
		if p.Life == AnonVisitor {
			kw = []float64{5, 5, 30, 35, 25}
		}
		d := Device{Kind: DeviceKind(weighted(r, kw))}
		switch d.Kind {
		case IOSApp:
			d.Platform, d.UA = "app", pick(r, uaIOSApp)
			d.ID = strings.ToUpper(uuid(r))
		case AndroidApp:
			d.Platform, d.UA = "app", pick(r, uaAndroidApp)
			d.ID = randHex(r, 16)
		case MiniProgram:
			d.Platform, d.UA = "mini", pick(r, uaMini)
			d.ID = openID(r)
		case WebPC, WebMobile:
			d.Platform = "web"
			d.UA = pick(r, uaWebPC)
			if d.Kind == WebMobile {
				d.UA = pick(r, uaWebMobile)
			}
			d.Cookies = []string{uuid(r)}
			if chance(r, cookieResetRate) {
				d.Cookies = append(d.Cookies, uuid(r))
				d.CookieAt = uniformTime(r, g.w.Start, g.w.End)
			}
		}
		p.Devices = append(p.Devices, d)
	}
}

// makeAccounts registers the person's account, and for some a second one.
func (g *generator) makeAccounts(r *rand.Rand, p *Person) {
	main := Account{
		UID:     g.uid(uint64(p.Index)),
		Phone:   p.Phone,
		Email:   p.Email,
		Consent: p.Consent,
		Reg:     uniformTime(r, g.w.Start.AddDate(-3, 0, 0), g.w.Start.Add(-24*time.Hour)),
	}
	if chance(r, newAccountRate) && p.Life != Silent && p.Life != Dormant && !p.Test {
		main.Reg = uniformTime(r, g.w.Start, g.w.End.Add(-48*time.Hour))
	}
	main.Channel = regChannel(r, p.Devices[0].Kind)
	main.Nick = g.nick(r, p)
	if p.Test {
		n := p.Index/testPersonEvery + 1
		main.Nick = pick(
			r,
			[]string{
				"测试账号" + strconv.Itoa(n),
				"test_user" + strconv.Itoa(n),
				"qa_user_" + strconv.Itoa(n),
			},
		)
		if chance(r, 0.7) {
			main.Phone = pick(r, testPhones)
		}
	}
	for i := range p.Devices {
		p.Devices[i].Accounts = []int{0}
	}
	p.Accounts = []Account{main}
	if p.Test || !chance(r, secondAccountPct) {
		return
	}
	// A second account of the same person: a second SIM with the same e-mail, a second SIM on a
	// shared device, or the same phone with another e-mail.
	second := Account{
		UID:     g.uid(uint64(g.persons + p.Index)),
		Reg:     uniformTime(r, main.Reg, g.w.End.Add(-24*time.Hour)),
		Consent: chance(r, 0.6),
		Nick:    g.nick(r, p),
	}
	p.Phone2 = g.phone(uint64(p.Index) + 1<<29)
	variant := weighted(r, []float64{35, 35, 30})
	switch variant {
	case 0: // same e-mail, other phone
		second.Phone = p.Phone2
		if p.Email == "" {
			p.Email = g.email(r, p, uint64(p.Index))
			p.Accounts[0].Email = p.Email
		}
		second.Email = p.Email
	case 1: // other phone, shares the first device
		second.Phone = p.Phone2
		if chance(r, 0.5) {
			p.Email2 = g.email(r, p, uint64(g.persons+p.Index))
			second.Email = p.Email2
		}
	case 2: // same phone, other or no e-mail
		p.Phone2 = ""
		second.Phone = p.Phone
		if chance(r, 0.6) {
			p.Email2 = g.email(r, p, uint64(g.persons+p.Index))
			second.Email = p.Email2
		}
	}
	// The second account logs in on the last device; with variant 1 (or a single device) that
	// device is the first one, shared by both accounts.
	last := len(p.Devices) - 1
	if variant == 1 || last == 0 {
		last = 0
		p.Devices[0].Accounts = []int{0, 1}
	} else {
		p.Devices[last].Accounts = []int{1}
	}
	second.Channel = regChannel(r, p.Devices[last].Kind)
	p.Accounts = append(p.Accounts, second)
}

// makeSpan sets the stretch of the window in which the person is active and how often.
func (g *generator) makeSpan(r *rand.Rand, p *Person) {
	p.From, p.To = g.w.Start, g.w.End
	if len(p.Accounts) > 0 && p.Accounts[0].Reg.After(g.w.Start) {
		p.From = maxTime(g.w.Start, p.Accounts[0].Reg.Add(-time.Duration(r.IntN(72))*time.Hour))
	}
	switch p.Life {
	case AnonVisitor:
		p.Rate = 0.3 + r.Float64()*0.7
	case Silent:
		p.Rate = 0
	case Browser:
		if chance(r, lightBrowserRate) {
			p.Rate = 0.5 + r.Float64()*3
		} else {
			p.Rate = 4 + r.Float64()*8
		}
	case OneTime:
		p.Rate = 2 + r.Float64()*4
	case Repeat:
		p.Rate = 4 + r.Float64()*6
	case Loyal:
		p.Rate = 8 + r.Float64()*12
	case Dormant:
		p.Rate = 3 + r.Float64()*5
		p.To = g.w.At(dormantSpanEnd)
	}
}

// phone returns the unique mobile number of slot s: a valid prefix and eight digits, never one
// of the test phones.
func (g *generator) phone(s uint64) string {
	v := permute(s, 30, g.seed^0x70686f6e65)
	n := uint64(len(mobilePrefixes))
	return mobilePrefixes[v%n] + fmt.Sprintf("%08d", v/n+1)
}

// strangerPhone returns a valid mobile number that no person has.
func (g *generator) strangerPhone(s uint64) string {
	v := permute(s, 28, g.seed^0x737472)
	n := uint64(len(strangerPrefixes))
	return strangerPrefixes[v%n] + fmt.Sprintf("%08d", v/n)
}

// uid returns the account id of account slot s (persons+i for second accounts).
func (g *generator) uid(s uint64) string {
	return strconv.FormatUint(10000000+permute(s, g.uidBits, g.seed^0x756964), 10)
}

// email makes a unique e-mail for e-mail slot s: a QQ number, or pinyin followed by digits that
// only this slot has (so two persons never share an address).
func (g *generator) email(r *rand.Rand, p *Person, s uint64) string {
	if p.Test {
		return fmt.Sprintf(
			"%s%d@%s",
			pick(r, []string{"test", "qa", "tester"}),
			p.Index,
			pick(r, []string{"test.com", "example.com", "qa.internal"}),
		)
	}
	domain := emailDomains[weighted(r, emailDomainWeights)]
	if domain == "qq.com" && chance(r, 0.5) {
		return strconv.FormatUint(100000+permute(s, 30, g.seed^0x7171), 10) + "@qq.com"
	}
	sur, giv := p.Surname.pinyin, p.givenPinyin()
	var local string
	switch r.IntN(5) {
	case 0:
		local = sur + giv
	case 1:
		local = giv + "." + sur
	case 2:
		local = sur[:1] + giv[:1]
	case 3:
		local = sur + "_" + giv
	default:
		local = giv + sur
	}
	return local + strconv.FormatUint(permute(s, g.emailBits, g.seed^0x656d), 10) + "@" + domain
}

// nick returns an account's display name: the real name, a pinyin handle or a cute nickname.
func (g *generator) nick(r *rand.Rand, p *Person) string {
	switch weighted(r, []float64{50, 25, 25}) {
	case 0:
		return p.Name()
	case 1:
		return p.Surname.pinyin + p.givenPinyin() + strconv.Itoa(between(r, 1, 99))
	default:
		return pick(r, cuteNicknames)
	}
}

// regChannel is the reg_channel a registration from the device kind is written with.
func regChannel(r *rand.Rand, k DeviceKind) string {
	switch k {
	case IOSApp:
		return pick(r, []string{"app", "app", "ios"})
	case AndroidApp:
		return pick(r, []string{"app", "app", "android"})
	case MiniProgram:
		return pick(r, []string{"小程序", "mini", "mini"})
	case WebMobile:
		return "h5"
	default:
		return "web"
	}
}

// uuid returns a random version-4 UUID in lower case.
func uuid(r *rand.Rand) string { return string(appendUUID(make([]byte, 0, 36), r)) }

const openIDChars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"

// openID returns a WeChat-style openid: o and 27 URL-safe characters.
func openID(r *rand.Rand) string {
	b := []byte{'o'}
	for i := 0; i < 27; i++ {
		b = append(b, openIDChars[r.IntN(len(openIDChars))])
	}
	return string(b)
}

func containsInt(xs []int, x int) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}

func maxTime(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

func minTime(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}
