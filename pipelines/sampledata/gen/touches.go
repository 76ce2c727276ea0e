package gen

import (
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"strconv"
	"time"
)

// Shape and mess of marketing/touches. Every action is its own row with its own msg_id (the
// message id and the action's sequence number): msg_id is the touch_id the clean stage
// deduplicates on, so rows of one message must not share it.
const (
	campaignEveryDays   = 3     // one campaign every 3 days
	consentTargetRate   = 0.25  // a consenting account is in a campaign's audience
	noConsentTargetRate = 0.01  // an account without consent is touched anyway (should not be)
	touchReplayRate     = 0.005 // rows written twice
	touchTruncRate      = 0.0003
	touchLateRate       = 0.02  // rows that arrive the next day
	touchReplayLater    = 0.003 // rows delivered again one or two partitions later
)

// writeTouches writes the touches of group k's persons a day after the other, through a
// dayRouter. Touches are few: they are gathered per day first.
func (g *generator) writeTouches(dir string, k int, persons []*Person) *dayRouter {
	w := g.w
	tr := newDayRouter(dayRouter{w: w,
		dir:   filepath.Join(dir, "marketing", "touches"),
		name:  fmt.Sprintf("touches-%05d", k),
		mess:  lineMess{trunc: touchTruncRate, replay: touchReplayRate},
		messR: g.fileMess(k, 1), replayR: g.fileMess(k, 7), replayRate: touchReplayLater})
	days := make([][][]byte, w.Days)
	for _, p := range persons {
		g.touches(p, func(line []byte, t time.Time) {
			d := w.dayIndex(t)
			days[d] = append(days[d], clone(line))
		})
	}
	late := g.fileMess(k, 6)
	for day, lines := range days {
		tr.startDay(day)
		for _, line := range lines {
			tr.add(line, day, chance(late, touchLateRate))
		}
		tr.endDay()
	}
	return tr
}

// campaign is one marketing campaign of the window.
type campaign struct {
	id string
	at time.Time
}

var campaignCodes = []string{
	"NEWARRIVAL",
	"MEMBERDAY",
	"FLASHSALE",
	"D11PRE",
	"D11",
	"D11RETURN",
	"WINTER",
	"CLEARANCE",
	"BIRTHDAY",
	"COUPON",
}

// newCampaigns plans the campaigns of the window.
func newCampaigns(seed uint64, w Window) []campaign {
	r := newRand(seed, streamCampaigns, 0)
	var out []campaign
	for d := r.IntN(campaignEveryDays); d < w.Days; d += campaignEveryDays {
		at := w.Day(d).
			Add(time.Duration(pick(r, []int{10, 12, 19, 20}))*time.Hour +
				time.Duration(r.IntN(4)*15)*time.Minute)
		id := "C" + at.Format("20060102") + "_" + pick(r, campaignCodes)
		out = append(out, campaign{id: id, at: at})
	}
	return out
}

// touches writes the person's marketing touches through emit, with the time of each, and returns
// how many it wrote.
func (g *generator) touches(p *Person, emit func([]byte, time.Time)) int {
	if len(p.Accounts) == 0 {
		return 0
	}
	r := newRand(g.seed, streamTouches, uint64(p.Index))
	hasApp := false
	for _, d := range p.Devices {
		hasApp = hasApp || d.Platform == "app"
	}
	n := 0
	var b []byte
	for ai := range p.Accounts {
		a := &p.Accounts[ai]
		rate := noConsentTargetRate
		if a.Consent {
			rate = consentTargetRate
		}
		var chans []string
		var cw []float64
		if hasApp {
			chans, cw = append(chans, "push"), append(cw, 45)
		}
		if a.Phone != "" {
			chans, cw = append(chans, "sms"), append(cw, 35)
		}
		if a.Email != "" {
			chans, cw = append(chans, "email"), append(cw, 20)
		}
		if len(chans) == 0 {
			continue
		}
		for _, c := range g.camps {
			if c.at.Before(a.Reg) || !chance(r, rate) {
				continue
			}
			ch := chans[weighted(r, cw)]
			base := "M" + randHex(r, 20)
			seq := 0
			row := func(action string, t time.Time) {
				seq++
				b = b[:0]
				b = append(b, `{"msg_id":"`...)
				b = append(b, base...)
				b = append(b, '-')
				b = strconv.AppendInt(b, int64(seq), 10)
				b = append(b, '"')
				b = appendField(b, "uid", a.UID)
				b = appendField(b, "channel", channelLabel(r, ch))
				b = appendField(b, "campaign", c.id)
				b = appendField(b, "action", action)
				b = append(b, `,"ts":"`...)
				if chance(r, 0.7) {
					b = appendRFC3339Local(b, t)
				} else {
					b = t.UTC().AppendFormat(b, "2006-01-02T15:04:05.000Z")
				}
				b = append(b, '"', '}')
				n++
				emit(b, t)
			}
			t := c.at.Add(time.Duration(r.IntN(2400)) * time.Second)
			if t.After(g.w.End) {
				continue
			}
			row("send", t)
			unsub := g.followUps(r, ch, t, row)
			if unsub {
				break
			}
		}
	}
	return n
}

// followUps writes what happened to a sent message, dropping what would lie after the window,
// and reports whether the person unsubscribed.
func (g *generator) followUps(
	r *rand.Rand,
	ch string,
	t time.Time,
	row func(string, time.Time),
) bool {
	later := func(lo, hi time.Duration) bool {
		t = t.Add(lo + time.Duration(r.Int64N(int64(hi-lo))))
		return !t.After(g.w.End)
	}
	deliver := byChannel(ch, 0.92, 0.96, 0.88)
	if !chance(r, deliver) {
		if ch != "push" && later(time.Second, 10*time.Minute) {
			row("bounce", t)
		}
		return false
	}
	if !later(time.Second, 5*time.Minute) {
		return false
	}
	row("delivered", t)
	switch ch {
	case "push":
		if chance(r, 0.12) && later(time.Minute, 6*time.Hour) {
			row("open", t)
			if chance(r, 0.3) && later(5*time.Second, 10*time.Minute) {
				row("click", t)
			}
		}
	case "email":
		if chance(r, 0.20) && later(10*time.Minute, 48*time.Hour) {
			row("open", t)
			if chance(r, 0.3) && later(5*time.Second, 10*time.Minute) {
				row("click", t)
			}
		}
	case "sms":
		if chance(r, 0.04) && later(time.Minute, 2*time.Hour) {
			row("click", t)
		}
	}
	unsub := byChannel(ch, 0.002, 0.004, 0.006)
	if chance(r, unsub) && later(time.Minute, 24*time.Hour) {
		row("unsubscribe", t)
		return true
	}
	return false
}

// channelLabel writes a channel the way the messaging systems name it.
func channelLabel(r *rand.Rand, ch string) string {
	switch ch {
	case "sms":
		if chance(r, 0.15) {
			return "短信"
		}
	case "email":
		if chance(r, 0.2) {
			return "EDM"
		}
	}
	return ch
}

// byChannel returns the rate of the channel.
func byChannel(ch string, push, sms, email float64) float64 {
	switch ch {
	case "push":
		return push
	case "sms":
		return sms
	}
	return email
}
