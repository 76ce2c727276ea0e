package gen

import (
	"crypto/md5"
	"crypto/sha256"
	"encoding/hex"
	"math/rand/v2"
	"strconv"
	"strings"
	"time"
)

// VendorHeader is the header of vendor/acme/*.csv, written in GBK.
var VendorHeader = []string{"手机号MD5", "手机号SHA256", "年龄段", "收入水平", "兴趣标签", "城市等级", "更新时间"}

// Coverage and mess of the vendor feed.
const (
	vendorCoverage     = 0.65  // of persons with a phone (~60% of all persons)
	vendorStrangerRate = 0.10  // rows for phones that match nobody, per covered person
	vendorUpperRate    = 0.08  // hashes in upper-case hex
	vendorMD5OnlyRate  = 0.08  // SHA-256 column empty
	vendorSHAOnlyRate  = 0.05  // MD5 column empty
	vendorDupRate      = 0.03  // exact duplicate rows
	vendorConflictRate = 0.06  // a second row for the phone, later update time, other values
	vendorBadTierRate  = 0.015 // city tier 9
	vendorBadRowRate   = 0.002 // unusable hash (N/A or cut short)
)

// vendorRows returns the vendor's rows about the person (and maybe a stranger) and, when the
// person is covered, the lower-case MD5 of their phone.
func (g *generator) vendorRows(p *Person) (rows [][]string, md5Key string) {
	if p.Phone == "" || p.Test {
		return nil, ""
	}
	r := newRand(g.seed, streamVendor, uint64(p.Index))
	if !chance(r, vendorCoverage) {
		return nil, ""
	}
	snap := g.vendorSnapshots()
	row := g.vendorRow(r, p.Phone, p.Age(g.w.End), p.City.tier, p.FavTops, snap[r.IntN(len(snap))])
	rows = append(rows, row)
	if chance(r, vendorDupRate) {
		rows = append(rows, copyRecord(row))
	}
	if chance(r, vendorConflictRate) {
		at := snap[len(snap)-1].Add(time.Duration(between(r, 1, 72)) * time.Hour)
		at = minTime(at, g.w.End.Add(-time.Hour))
		rows = append(
			rows,
			g.vendorRow(
				r,
				p.Phone,
				p.Age(g.w.End)+between(r, -8, 8),
				max(1, p.City.tier+between(r, -1, 1)),
				[]int{r.IntN(len(categoryTree))},
				at,
			),
		)
	}
	if chance(r, vendorStrangerRate) {
		age := between(r, 18, 65)
		rows = append(
			rows,
			g.vendorRow(
				r,
				g.strangerPhone(uint64(p.Index)),
				age,
				1+weighted(r, cityTierWeights),
				[]int{r.IntN(len(categoryTree))},
				snap[r.IntN(len(snap))],
			),
		)
	}
	sum := md5.Sum([]byte(p.Phone))
	return rows, hex.EncodeToString(sum[:])
}

// vendorSnapshots are the vendor's monthly delivery times: 10:00 on the 1st of each month from
// two months before the window up to its end.
func (g *generator) vendorSnapshots() []time.Time {
	var out []time.Time
	s := g.w.Start.AddDate(0, -2, 0)
	first := time.Date(s.Year(), s.Month(), 1, 10, 0, 0, 0, Shanghai)
	for t := first; !t.After(g.w.End); t = t.AddDate(0, 1, 0) {
		out = append(out, t)
	}
	if len(out) == 0 {
		out = append(out, g.w.Start)
	}
	return out
}

// vendorRow makes one row of the feed.
func (g *generator) vendorRow(
	r *rand.Rand,
	phone string,
	age, tier int,
	tops []int,
	at time.Time,
) []string {
	m := md5.Sum([]byte(phone))
	s := sha256.Sum256([]byte(phone))
	md, sh := hex.EncodeToString(m[:]), hex.EncodeToString(s[:])
	if chance(r, vendorUpperRate) {
		md, sh = strings.ToUpper(md), strings.ToUpper(sh)
	}
	switch u := r.Float64(); {
	case u < vendorMD5OnlyRate:
		sh = ""
	case u < vendorMD5OnlyRate+vendorSHAOnlyRate:
		md = ""
	}
	if chance(r, vendorBadRowRate) {
		md, sh = pick(r, []string{"N/A", md[:min(len(md), 31)], "null"}), ""
	}

	band := ageBand(max(age, 18))
	switch u := r.Float64(); {
	case u < 0.05:
		band = ""
	case u < 0.15:
		band = ageBand(max(age, 18) + pick(r, []int{-10, 10}))
	}

	// Income leans on city tier and age.
	inc := 2 + (3-tier)/2 + boolToInt(
		age >= 30 && age < 55,
	) - boolToInt(
		age < 24,
	) + between(
		r,
		-1,
		1,
	)
	income := incomeBands[min(max(inc, 0), len(incomeBands)-1)]
	if chance(r, 0.05) {
		income = ""
	}

	var tags []string
	for _, t := range tops {
		tags = appendUnique(tags, pick(r, topInterests[categoryTree[t].name]))
	}
	for k := between(r, 0, 2); k > 0; k-- {
		tags = appendUnique(tags, pick(r, interestTags))
	}
	if chance(r, 0.03) {
		tags = nil
	}

	tierS := strconv.Itoa(tier)
	switch u := r.Float64(); {
	case u < vendorBadTierRate:
		tierS = "9"
	case u < vendorBadTierRate+0.025:
		tierS = ""
	}

	var ts string
	switch weighted(r, []float64{90, 7, 3}) {
	case 0:
		ts = at.In(Shanghai).Format(layoutSlash)
	case 1:
		ts = at.In(Shanghai).Format(layoutNaive)
	default:
		ts = at.In(Shanghai).Format("2006/1/2")
	}
	return []string{md, sh, band, income, strings.Join(tags, "|"), tierS, ts}
}

// ageBand is the vendor's band of an age.
func ageBand(age int) string {
	switch {
	case age < 25:
		return ageBands[0]
	case age < 35:
		return ageBands[1]
	case age < 45:
		return ageBands[2]
	case age < 55:
		return ageBands[3]
	}
	return ageBands[4]
}

func appendUnique(xs []string, x string) []string {
	for _, y := range xs {
		if y == x {
			return xs
		}
	}
	return append(xs, x)
}

// copyRecord copies a record.
func copyRecord(rec []string) []string { return append([]string(nil), rec...) }
