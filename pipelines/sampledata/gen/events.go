package gen

import (
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"slices"
	"time"
)

// Shape and mess of clickstream/events. Active persons come on Rate days a month (see makeSpan);
// an active day has ~1.55 sessions of ~12 events, so ~19 events per active day.
const (
	extraSessionRate  = 0.40   // a second session on an active day
	thirdSessionRate  = 0.15   // a third one
	sessionEventsMin  = 3      // events per session: this many plus an exponential tail
	sessionEventsMean = 9.0    // mean of the tail
	eventGapMean      = 25.0   // seconds between events of a session, exponential
	loginInSessionPct = 0.50   // a logged-out device logs in during a session
	webLogoutRate     = 0.15   // a web session of a logged-in browser runs logged out
	appLogoutRate     = 0.02   // same, app and mini program
	anonEmptyUIDRate  = 0.40   // anonymous events written with "uid":"" rather than no uid
	eventFutureRate   = 0.0002 // ts in the future (deliberately bad)
	eventEpochRate    = 0.0001 // ts of 0 (1970, deliberately bad)
	eventUnknownRate  = 0.0003 // event type "teleport"
	botEventShare     = 0.031  // share of events from crawlers and scripts (bot user agents)
	eventReplayRate   = 0.02   // events written twice with the same event_id
	eventTruncRate    = 0.0005 // lines cut short
	eventBadUTF8Rate  = 0.0002 // lines with invalid UTF-8 bytes
	crossFileReplays  = 2      // persons of the previous file whose events may replay in the next
	crossFileReplayPc = 0.15   // share of those persons' events replayed in the next file
	eventLateRate     = 0.03   // a person's events of a day arrive the next day (an offline device)
	eventReplayLater  = 0.003  // events delivered again one or two partitions later
	eventTypeTeleport = "teleport"
)

// writeEvents writes the clickstream of group k (persons, with their orders) a day after the
// other, through a dayRouter: its files, and the person's event states, which know the devices
// and cookies each used.
func (g *generator) writeEvents(dir string, k, lo, size int, persons []*Person,
	orders [][]Order) (*dayRouter, []*evState) {
	w := g.w
	ev := newDayRouter(dayRouter{w: w,
		dir:   filepath.Join(dir, "clickstream", "events"),
		name:  fmt.Sprintf("events-%05d", k),
		mess:  lineMess{trunc: eventTruncRate, badUTF8: eventBadUTF8Rate, replay: eventReplayRate},
		messR: g.fileMess(k, 0), replayR: g.fileMess(k, 5), replayRate: eventReplayLater})
	late, lateR := false, g.fileMess(k, 4)
	emit := func(line []byte, t time.Time) { ev.add(line, w.dayIndex(t), late) }
	botEmit := func(line []byte, t time.Time) { ev.add(line, w.dayIndex(t), false) }
	steps := make([]*evState, len(persons))
	for i, p := range persons {
		steps[i] = g.newEvents(p, orders[i], emit)
	}
	// Replays of events another file of the same day holds: the first persons of the previous
	// group, whose events are the same lines, byte for byte, since they depend on nothing but the
	// person.
	var replays []*evState
	if k > 0 {
		rr := g.fileMess(k, 3)
		again := func(line []byte, t time.Time) {
			if chance(rr, crossFileReplayPc) {
				ev.copy(line, w.dayIndex(t))
			}
		}
		for i := lo - size; i < lo-size+crossFileReplays && i < lo; i++ {
			p := g.newPerson(i)
			replays = append(replays, g.newEvents(p, g.orders(p), again))
		}
	}
	botRand := g.fileMess(k, 2)
	var human, bots int
	for day := 0; day < w.Days; day++ {
		ev.startDay(day)
		for _, s := range replays {
			s.day(day)
		}
		for _, s := range steps {
			late = chance(lateR, eventLateRate)
			n := s.n
			s.day(day)
			human += s.n - n
			for float64(bots) < botEventShare/(1-botEventShare)*float64(human) {
				bots += g.botSession(botRand, day, botEmit)
			}
		}
		ev.endDay()
	}
	return ev, steps
}

// browseTypes and their weights inside a session (view is also written as pv by an older SDK).
var (
	browseTypes = []string{
		"view",
		"pv",
		"search",
		"add_cart",
		"favorite",
		"share",
		"follow",
		"checkout",
	}
	browseWeights = []float64{48, 5, 14, 8, 4, 2, 1.5, 0.3}
)

// tsStyle is how a client writes event times.
type tsStyle int

const (
	tsRFC3339 tsStyle = iota // 2026-11-20T14:03:05+08:00
	tsNaive                  // 2026-11-20 14:03:05, Asia/Shanghai
	tsMillis                 // 1795500185123, a JSON number
)

// evState is one person's clickstream in the making: the events of one day at a time (day), so
// that a group's persons can be written a partition after the other, each from their own stream.
type evState struct {
	g        *generator
	p        *Person
	r        *rand.Rand
	emit     func(line []byte, at time.Time)
	buf      []byte
	loggedIn []int // per device: the account logged in, -1 for none
	usedDev  []bool
	usedCk   [][2]bool
	n        int
	orders   []Order   // oldest first
	next     int       // the first order not yet placed
	sessions []session // the day's sessions, reused
}

// planned is one event of a session before identities and times are set.
type planned struct {
	typ string
	sku int // -1 for none
}

// session is a visit on one device.
type session struct {
	start  time.Time
	device int
	order  *Order
}

// newEvents prepares the person's clickstream: each call of day writes that day's events through
// emit, one line at a time (without newline, in a buffer reused after the call) with the time the
// event happened.
func (g *generator) newEvents(p *Person, orders []Order, emit func([]byte, time.Time)) *evState {
	n := len(p.Devices)
	s := &evState{g: g, p: p, r: newRand(g.seed, streamEvents, uint64(p.Index)), emit: emit,
		orders: orders, loggedIn: make([]int, n), usedDev: make([]bool, n),
		usedCk: make([][2]bool, n)}
	for i := range s.loggedIn {
		s.loggedIn[i] = -1
	}
	return s
}

// day writes the events of window day `day`; days must come in order.
func (s *evState) day(day int) {
	w, p := s.g.w, s.p
	var placed []*Order
	for ; s.next < len(s.orders); s.next++ {
		o := &s.orders[s.next]
		d := int(dayOf(o.Created).Sub(w.Start) / (24 * time.Hour))
		if d > day {
			break
		}
		if d == day {
			placed = append(placed, o)
		}
	}
	mid := w.Day(day)
	inSpan := mid.Add(24*time.Hour).After(p.From) && !mid.After(p.To)
	active := inSpan && p.Rate > 0 && chance(s.r, p.Rate/30)
	if !active && len(placed) == 0 {
		return
	}
	s.sessions = s.sessions[:0]
	k := 0
	if active {
		k = 1 + boolToInt(chance(s.r, extraSessionRate)) + boolToInt(chance(s.r, thirdSessionRate))
	} else if chance(s.r, 0.5) {
		k = 1
	}
	for ; k > 0; k-- {
		st := timeOnDay(s.r, mid)
		if st.Before(p.From) {
			st = uniformTime(s.r, p.From, mid.Add(24*time.Hour))
		}
		s.sessions = append(s.sessions, session{start: st, device: s.pickDevice()})
	}
	for _, o := range placed {
		s.sessions = append(s.sessions,
			session{start: o.Created.Add(-5 * time.Minute), device: o.Device, order: o})
	}
	slices.SortStableFunc(s.sessions, func(a, b session) int { return a.start.Compare(b.start) })
	for _, ss := range s.sessions {
		s.session(ss)
	}
}

// done returns how many events the person wrote and which device ids and cookies appeared.
func (s *evState) done() (n int, devices, cookies []string) {
	for i, d := range s.p.Devices {
		if s.usedDev[i] && d.ID != "" {
			devices = append(devices, d.ID)
		}
		for c := range d.Cookies {
			if s.usedCk[i][c] {
				cookies = append(cookies, d.Cookies[c])
			}
		}
	}
	return s.n, devices, cookies
}

// pickDevice favours the person's first device.
func (s *evState) pickDevice() int {
	if len(s.p.Devices) == 1 || chance(s.r, 0.6) {
		return 0
	}
	return 1 + s.r.IntN(len(s.p.Devices)-1)
}

// session writes the events of one visit.
func (s *evState) session(ss session) {
	r, p := s.r, s.p
	d := &p.Devices[ss.device]
	plan := s.plan(ss)

	// Who is logged in: the account of the order, or one of the device's accounts.
	acct := -1
	if len(d.Accounts) > 0 {
		acct = d.Accounts[0]
		if len(d.Accounts) > 1 && chance(r, 0.35) {
			acct = d.Accounts[1]
		}
	}
	if ss.order != nil {
		acct = ss.order.Account
	}
	if acct >= 0 && ss.start.Before(p.Accounts[acct].Reg) && ss.order == nil {
		acct = -1 // not registered yet: browses anonymously
	}
	loginAt := -1 // index of the login event; events from it on carry the uid
	switch {
	case acct < 0:
	case s.loggedIn[ss.device] == acct:
		rate := appLogoutRate
		if d.Platform == "web" {
			rate = webLogoutRate
		}
		if ss.order != nil || !chance(r, rate) {
			loginAt = 0
			if ss.order == nil && chance(r, 0.1) {
				plan = append(
					[]planned{{"login", -1}},
					plan...) // a fresh login of a logged-in user
			}
		}
	case ss.order != nil || chance(r, loginInSessionPct):
		loginAt = r.IntN(min(len(plan), 4))
		if ss.order != nil {
			loginAt = min(loginAt, len(plan)-2)
		}
		plan = slices.Insert(plan, loginAt, planned{"login", -1})
		s.loggedIn[ss.device] = acct
	}
	uid := ""
	if acct >= 0 {
		uid = p.Accounts[acct].UID
	}

	// Times: an order session is laid out so that its checkout falls on the order's create_time.
	gaps := make([]time.Duration, len(plan))
	for i := 1; i < len(plan); i++ {
		gaps[i] = time.Duration((1 + r.ExpFloat64()*eventGapMean) * float64(time.Second))
	}
	t := ss.start
	if ss.order != nil {
		var before time.Duration
		for i := 1; i < len(plan) && plan[i-1].typ != "checkout"; i++ {
			before += gaps[i]
		}
		t = ss.order.Created.Add(-before)
	}
	t = t.Add(time.Duration(r.IntN(1000)) * time.Millisecond)
	style := s.tsStyle(d)
	sid := "s" + randHex(r, 16)
	for i, ev := range plan {
		t = t.Add(gaps[i])
		if ss.order != nil && ev.typ == "checkout" {
			t = ss.order.Created
		}
		if t.After(s.g.w.End) {
			return
		}
		if t.Before(s.g.w.Start) {
			continue
		}
		u := ""
		if loginAt >= 0 && i >= loginAt {
			u = uid
		}
		s.write(d, ss.device, ev, u, sid, t, style)
	}
}

// plan draws the event types and products of a session.
func (s *evState) plan(ss session) []planned {
	r, g := s.r, s.g
	if o := ss.order; o != nil {
		var plan []planned
		for i := between(r, 0, 4); i > 0; i-- {
			plan = append(plan, planned{"view", g.cat.pickFor(r, s.p.FavTops)})
		}
		for _, it := range o.Items {
			plan = append(plan, planned{"view", it.Product}, planned{"add_cart", it.Product})
		}
		plan = append(plan, planned{"checkout", o.Items[0].Product})
		for i := between(r, 0, 2); i > 0; i-- {
			plan = append(plan, planned{"view", g.cat.pickFor(r, s.p.FavTops)})
		}
		return plan
	}
	n := sessionEventsMin + int(r.ExpFloat64()*sessionEventsMean)
	plan := make([]planned, 0, n)
	last := -1
	for i := 0; i < n; i++ {
		typ := browseTypes[weighted(r, browseWeights)]
		if chance(r, eventUnknownRate) {
			typ = eventTypeTeleport
		}
		sku := -1
		switch typ {
		case "view", "pv":
			sku = g.cat.pickFor(r, s.p.FavTops)
			last = sku
		case "add_cart", "favorite", "share", "checkout":
			if last < 0 {
				last = g.cat.pickFor(r, s.p.FavTops)
			}
			sku = last
		}
		plan = append(plan, planned{typ, sku})
	}
	return plan
}

// tsStyle is the time format of the device's SDK for one session.
func (s *evState) tsStyle(d *Device) tsStyle {
	switch d.Platform {
	case "app":
		return []tsStyle{tsMillis, tsRFC3339}[weighted(s.r, []float64{70, 30})]
	case "mini":
		return []tsStyle{tsNaive, tsMillis}[weighted(s.r, []float64{65, 35})]
	}
	return []tsStyle{tsRFC3339, tsNaive}[weighted(s.r, []float64{60, 40})]
}

// write encodes one event line and hands it to emit.
func (s *evState) write(
	d *Device,
	di int,
	ev planned,
	uid, sid string,
	t time.Time,
	style tsStyle,
) {
	r := s.r
	b := append(s.buf[:0], `{"event_id":"`...)
	b = appendUUID(b, r)
	b = append(b, '"')
	if uid != "" {
		b = appendField(b, "uid", uid)
	} else if chance(r, anonEmptyUIDRate) {
		b = append(b, `,"uid":""`...)
	}
	if d.ID != "" {
		b = appendField(b, "device_id", d.ID)
		s.usedDev[di] = true
	}
	if len(d.Cookies) > 0 {
		c := 0
		if len(d.Cookies) > 1 && !t.Before(d.CookieAt) {
			c = 1
		}
		b = appendField(b, "anon_id", d.Cookies[c])
		s.usedCk[di][c] = true
	}
	b = appendField(b, "event", ev.typ)
	if ev.sku >= 0 {
		b = appendField(b, "sku_id", s.g.cat.Products[ev.sku].SKU)
	}
	b = appendField(b, "platform", d.Platform)
	b = appendField(b, "session_id", sid)
	b = appendTS(b, r, s.g.w, t, style)
	b = appendField(b, "ua", d.UA)
	b = append(b, '}')
	s.buf = b
	s.n++
	s.emit(b, t)
}

// appendTS appends the "ts" field, now and then deliberately wrong.
func appendTS(b []byte, r *rand.Rand, w Window, t time.Time, style tsStyle) []byte {
	switch u := r.Float64(); {
	case u < eventFutureRate:
		t = w.End.Add(time.Duration(between(r, 1, 90)) * 24 * time.Hour)
	case u < eventFutureRate+eventEpochRate:
		t = time.UnixMilli(0)
		style = tsMillis
	}
	b = append(b, `,"ts":`...)
	switch style {
	case tsMillis:
		return appendMillis(b, t)
	case tsNaive:
		b = append(b, '"')
		b = appendLocal(b, t, layoutNaive)
	default:
		b = append(b, '"')
		b = appendRFC3339Local(b, t)
	}
	return append(b, '"')
}

// botSession writes one crawler visit on window day `day` through emit and returns its number of
// events.
func (g *generator) botSession(r *rand.Rand, day int, emit func([]byte, time.Time)) int {
	ua := pick(r, uaBots)
	cookie := ""
	if chance(r, 0.5) {
		cookie = uuid(r)
	}
	sid := "s" + randHex(r, 16)
	t := uniformTime(r, g.w.Day(day), g.w.Day(day+1))
	style := []tsStyle{tsRFC3339, tsMillis}[r.IntN(2)]
	n := between(r, 20, 300)
	var b []byte
	for i := 0; i < n; i++ {
		t = t.Add(time.Duration(200+r.IntN(3000)) * time.Millisecond)
		if t.After(g.w.End) {
			return i
		}
		b = append(b[:0], `{"event_id":"`...)
		b = appendUUID(b, r)
		b = append(b, '"')
		if cookie != "" {
			b = appendField(b, "anon_id", cookie)
		}
		if chance(r, 0.8) {
			b = appendField(b, "event", pick(r, []string{"view", "pv"}))
			b = appendField(b, "sku_id", g.cat.Products[r.IntN(len(g.cat.Products))].SKU)
		} else {
			b = appendField(b, "event", "search")
		}
		b = appendField(b, "platform", "web")
		b = appendField(b, "session_id", sid)
		b = appendTS(b, r, g.w, t, style)
		b = appendField(b, "ua", ua)
		b = append(b, '}')
		emit(b, t)
	}
	return n
}

// appendField appends ,"key":"value" with value JSON-escaped.
func appendField(b []byte, key, value string) []byte {
	b = append(b, ',', '"')
	b = append(b, key...)
	b = append(b, '"', ':')
	return appendJSONString(b, value)
}

// appendJSONString appends s as a JSON string; UTF-8 passes through unchanged.
func appendJSONString(b []byte, s string) []byte {
	b = append(b, '"')
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '"' || c == '\\':
			b = append(b, '\\', c)
		case c == '\n':
			b = append(b, '\\', 'n')
		case c < 0x20:
			b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&15])
		default:
			b = append(b, c)
		}
	}
	return append(b, '"')
}

// appendUUID appends a random version-4 UUID.
func appendUUID(b []byte, r *rand.Rand) []byte {
	v1, v2 := r.Uint64(), r.Uint64()
	for i := 0; i < 32; i++ {
		switch i {
		case 8, 12, 16, 20:
			b = append(b, '-')
		}
		var nib uint64
		if i < 16 {
			nib = v1 >> (4 * i) & 15
		} else {
			nib = v2 >> (4 * (i - 16)) & 15
		}
		switch i {
		case 12:
			nib = 4 // version 4
		case 16:
			nib = 8 | nib&3 // RFC 4122 variant
		}
		b = append(b, hexDigits[nib])
	}
	return b
}

func boolToInt(b bool) int {
	if b {
		return 1
	}
	return 0
}
