package gen

import (
	"math/rand/v2"
	"strconv"
	"strings"
	"time"
)

// Mess of platform/users.
const (
	userNoMobileRate   = 0.05  // mobile empty
	userPlus86Rate     = 0.05  // mobile as +8613812345678
	user86Rate         = 0.03  // mobile as 8613812345678
	userSpacedRate     = 0.03  // mobile as 138 1234 5678 or 138-1234-5678
	userEmailCaseRate  = 0.08  // e-mail in mixed case
	userEmailSpaceRate = 0.03  // e-mail with surrounding spaces
	userEmailWideRate  = 0.01  // e-mail with full-width characters
	userAgeRate        = 0.50  // age column filled
	userBadAgeRate     = 0.008 // age 230 or -1
	userNoBirthdayRate = 0.30  // birthday empty
	userBadBirthRate   = 0.004 // birthday in 1899 or in the future
	userReplayRate     = 0.015 // an older version of the row is exported as well, in the same file
)

// userRows returns the platform/users rows of the person's accounts, each with the day of the
// export it is in. An account older than the window is in the initial load (the first day's
// export), with its last change before the window; a newer one in the export of the day it
// registered, as it was created. An account that changes its phone or e-mail is exported again
// that day, with the new value and the time of the change; changes counts those rows per day.
func (g *generator) userRows(p *Person, changes []DayChanges) []dated[UserRow] {
	r := newRand(g.seed, streamPerson, uint64(p.Index)|1<<40)
	var rows []dated[UserRow]
	for i := range p.Accounts {
		a := &p.Accounts[i]
		u := UserRow{
			UID:            a.UID,
			Mobile:         messyMobile(r, a.Phone),
			Email:          messyEmail(r, a.Email),
			NickName:       a.Nick,
			Gender:         gender(r, p.Female),
			Birthday:       birthday(r, p.Birth),
			City:           cityName(r, p.City),
			Province:       provinceName(r, p.City),
			RegChannel:     a.Channel,
			RegTime:        micros(a.Reg),
			MarketingOptIn: a.Consent,
		}
		if chance(r, userAgeRate) {
			u.Age = int32(p.Age(g.w.End))
		}
		if chance(r, userBadAgeRate) {
			u.Age = pick(r, []int32{230, -1, 999})
		}
		day, updated := 0, a.Reg
		if a.Reg.Before(g.w.Start) {
			updated = uniformTime(r, maxTime(a.Reg, g.w.Start.AddDate(0, 0, -60)), g.w.Start)
		} else {
			day = g.w.dayIndex(a.Reg)
		}
		// A later change must stay the latest version, so an account that changes keeps its
		// sane reg_time.
		if chance(r, futureRegRate) && a.ChangedAt.IsZero() {
			reg := g.w.End.AddDate(0, 0, between(r, 1, 400)) // deliberately bad
			u.RegTime, updated = micros(reg), reg
		}
		u.UpdateTime = micros(updated)
		if chance(r, userReplayRate) && updated.After(a.Reg) {
			old := u
			old.UpdateTime = micros(uniformTime(r, a.Reg, updated))
			old.MarketingOptIn = !u.MarketingOptIn
			old.City = cityName(r, pick(r, cities[1]))
			rows = append(rows, dated[UserRow]{day, old})
		}
		rows = append(rows, dated[UserRow]{day, u})
		if !a.ChangedAt.IsZero() {
			v := u
			if a.NewPhone != "" {
				v.Mobile = messyMobile(r, a.NewPhone)
				if v.Mobile == "" { // a change of phone leaves one
					v.Mobile = a.NewPhone
				}
			}
			if a.NewEmail != "" {
				v.Email = messyEmail(r, a.NewEmail)
			}
			v.UpdateTime = micros(a.ChangedAt)
			d := g.w.dayIndex(a.ChangedAt)
			rows = append(rows, dated[UserRow]{d, v})
			changes[d].ContactChanges++
		}
	}
	return rows
}

// messyMobile writes a phone the ways account forms store them.
func messyMobile(r *rand.Rand, phone string) string {
	if phone == "" {
		return ""
	}
	switch u := r.Float64(); {
	case u < userNoMobileRate:
		return ""
	case u < userNoMobileRate+userPlus86Rate:
		return "+86" + phone
	case u < userNoMobileRate+userPlus86Rate+user86Rate:
		return "86" + phone
	case u < userNoMobileRate+userPlus86Rate+user86Rate+userSpacedRate:
		sep := pick(r, []string{" ", "-"})
		return phone[:3] + sep + phone[3:7] + sep + phone[7:]
	}
	return phone
}

// messyEmail writes an e-mail with the case, space and width noise of user input.
func messyEmail(r *rand.Rand, email string) string {
	if email == "" {
		return ""
	}
	if chance(r, userEmailCaseRate) {
		email = mixCase(r, email)
	}
	if chance(r, userEmailWideRate) {
		at := strings.IndexByte(email, '@')
		email = toFullWidth(email[:at+1]) + email[at+1:]
	}
	if chance(r, userEmailSpaceRate) {
		email = pick(r, []string{" ", "  ", ""}) + email + pick(r, []string{" ", "\t", ""})
	}
	return email
}

// mixCase upper-cases the first letter, or the whole string.
func mixCase(r *rand.Rand, s string) string {
	if chance(r, 0.3) {
		return strings.ToUpper(s)
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// gender writes the true gender as one of the spellings of the account forms.
func gender(r *rand.Rand, female bool) string {
	v := weighted(r, []float64{35, 30, 10, 25})
	switch {
	case v == 2:
		return "unknown"
	case v == 3:
		return ""
	case female:
		return []string{"F", "女"}[v]
	default:
		return []string{"M", "男"}[v]
	}
}

// birthday writes the birth date in one of the formats seen, or not at all.
func birthday(r *rand.Rand, b time.Time) string {
	if chance(r, userNoBirthdayRate) {
		return ""
	}
	if chance(r, userBadBirthRate) {
		b = pick(r, []time.Time{
			time.Date(1899, 12, 31, 0, 0, 0, 0, Shanghai),
			time.Date(2031, 5, 6, 0, 0, 0, 0, Shanghai),
		})
	}
	switch weighted(r, []float64{40, 15, 15}) {
	case 0:
		return b.Format("2006-01-02")
	case 1:
		return strconv.Itoa(
			b.Year(),
		) + "/" + strconv.Itoa(
			int(b.Month()),
		) + "/" + strconv.Itoa(
			b.Day(),
		)
	default:
		return b.Format("20060102")
	}
}

// cityName writes the city as people type it.
func cityName(r *rand.Rand, c city) string {
	switch weighted(r, []float64{60, 25, 3, 12}) {
	case 0:
		return c.name
	case 1:
		return c.name + "市"
	case 2:
		return " " + c.name + " "
	}
	return ""
}

// provinceName writes the province with or without its suffix.
func provinceName(r *rand.Rand, c city) string {
	if chance(r, 0.15) {
		return ""
	}
	if municipalities[c.province] {
		return c.province + pick(r, []string{"", "市"})
	}
	suffix := "省"
	if c.province == "广西" {
		suffix = "壮族自治区"
	}
	return c.province + pick(r, []string{"", suffix})
}
