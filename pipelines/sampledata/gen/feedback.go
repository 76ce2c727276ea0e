package gen

import (
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
	"time"
)

// TicketHeader is the header of feedback/tickets/*.csv (UTF-8 with BOM).
var TicketHeader = []string{"工单号", "用户ID", "联系电话", "客户姓名", "类别", "状态", "内容", "创建时间", "更新时间"}

// Rates of the feedback sources.
const (
	reviewRate         = 0.30  // completed orders that get a review
	reviewNoStarsRate  = 0.02  // stars missing
	reviewZeroRate     = 0.01  // stars 0
	reviewSevenRate    = 0.005 // stars 7
	reviewDefaultRate  = 0.05  // only the shop's default text
	reviewPIIRate      = 0.015 // a phone or e-mail in the text
	reviewTruncRate    = 0.003
	ticketBuyerRate    = 0.12  // buyers who open tickets
	ticketOtherRate    = 0.03  // other account holders who do
	ticketFollowUpRate = 0.35  // tickets exported again later with a new status
	ticketNoUIDRate    = 0.50  // 用户ID empty
	ticketTypoRate     = 0.03  // a mistyped digit in the phone
	ticketBadRowRate   = 0.003 // rows cut after five columns
	postBuyerRate      = 0.06  // buyers who post on review sites
	postOtherRate      = 0.012 // others who do
	postStrangerRate   = 0.01  // posts by people who are no customer, per person
	postTruncRate      = 0.003
)

// shopName is the shop the review-site posts talk about.
const shopName = "悦购旗舰店"

// stars draws a rating from the person's mood; refunds make it bad.
func stars(r *rand.Rand, mood float64, refunded bool) int {
	if refunded {
		return 1 + weighted(r, []float64{50, 30, 15, 5, 0})
	}
	return 1 + weighted(r, []float64{2 + 10*(1-mood), 2 + 6*(1-mood), 10, 22, 30 + 50*mood})
}

// reviews returns the person's product reviews as JSON lines, each with the day it was written.
func (g *generator) reviews(r *rand.Rand, p *Person, orders []Order) []dated[[]byte] {
	var out []dated[[]byte]
	for oi, o := range orders {
		if (o.Status != "completed" && o.Status != "refunded") || !chance(r, reviewRate) {
			continue
		}
		at := o.Updated.Add(time.Duration(r.IntN(10*24*3600)) * time.Second)
		if o.Status != "completed" {
			at = o.Created.Add(time.Duration(72+r.IntN(240)) * time.Hour)
		}
		if at.After(g.w.End) {
			continue
		}
		for li, it := range o.Items {
			if li > 0 && !chance(r, 0.2) {
				continue
			}
			st := stars(r, p.Mood, o.Status == "refunded")
			text := reviewText(r, st, g.cat.Products[it.Product].Top)
			switch u := r.Float64(); {
			case u < reviewDefaultRate:
				text = defaultReview
			case u < reviewDefaultRate+0.02:
				text = ""
			case u < reviewDefaultRate+0.02+reviewPIIRate:
				text += pick(r, []string{"有问题联系我", "加我微信聊", "电话"}) + piiOf(r, p)
			}
			b := []byte(`{"review_id":`)
			b = appendJSONString(
				b,
				"R"+fmt.Sprintf(
					"%012d",
					permute(
						uint64(p.Index)*64+uint64(oi)*4+uint64(li),
						g.reviewBits,
						g.seed^0x7276,
					),
				),
			)
			b = appendField(b, "uid", p.Accounts[o.Account].UID)
			if chance(r, 0.97) {
				b = appendField(b, "order_no", o.No)
			}
			b = appendField(b, "sku_id", g.cat.Products[it.Product].SKU)
			switch u := r.Float64(); {
			case u < reviewNoStarsRate:
			case u < reviewNoStarsRate+reviewZeroRate:
				b = append(b, `,"stars":0`...)
			case u < reviewNoStarsRate+reviewZeroRate+reviewSevenRate:
				b = append(b, `,"stars":7`...)
			default:
				b = append(b, `,"stars":`...)
				b = strconv.AppendInt(b, int64(st), 10)
			}
			b = appendField(b, "content", text)
			b = append(b, `,"created_at":"`...)
			b = appendLocal(b, at, layoutNaive)
			b = append(b, '"', '}')
			out = append(out, dated[[]byte]{g.w.dayIndex(at), b})
			at = at.Add(time.Duration(r.IntN(300)) * time.Second)
		}
	}
	return out
}

// piiOf returns the person's phone or e-mail as someone would type it into free text.
func piiOf(r *rand.Rand, p *Person) string {
	if p.Email != "" && chance(r, 0.4) {
		return p.Email
	}
	if p.Phone == "" {
		return ""
	}
	return ticketPhone(r, p.Phone)
}

// ticketTemplates per category; {order} is an order number, {city} a city. Commas, quotes and
// newlines are on purpose: the CSV writer must quote them.
var ticketTemplates = map[string][]string{
	"退货": {
		"订单{order}里的商品有质量问题，申请退货退款。客服说\"需要拍照\"，照片已经上传了，请尽快处理。",
		"收到的货和图片不一样, 颜色不对, 要求换货或者退款。\n订单号: {order}",
	},
	"物流": {
		"订单号：{order}，下单好几天了还没发货，\n物流一直显示\"已揽收\"，请帮忙查一下。",
		"快递员没打电话就放驿站了, 东西丢了, \"签收\"不是我本人签的！",
	},
	"投诉": {
		"客服态度太差了，问了三次都说\"请耐心等待\"，\n要求给个说法！订单{order}",
		"刚买就降价了, 保价申请被拒, 太坑了。\n\"双11\"说好的保价呢？",
	},
	"咨询": {
		"请问会员积分怎么用？优惠券\"满300减30\"能和店铺券一起用吗？",
		"想问一下有没有现货, 什么时候发货, 谢谢",
	},
	"其他": {
		"修改收货地址：{city}市人民路88号，电话同上，谢谢",
		"发票抬头开错了, 需要重开, 单位名称: \"某某科技有限公司\"",
	},
}

// tickets returns the person's customer-service ticket rows, each with the day it was exported
// (its update time: a follow-up row lands on a later day than the ticket's first row), and the
// ticket ids.
func (g *generator) tickets(r *rand.Rand, p *Person, orders []Order) (
	rows []dated[[]string], ids []string) {
	if len(p.Accounts) == 0 {
		return nil, nil
	}
	rate := ticketOtherRate
	if p.Life.Buyer() {
		rate = ticketBuyerRate
	}
	if !chance(r, rate) {
		return nil, nil
	}
	for k := 0; k < 1+boolToInt(chance(r, 0.15)); k++ {
		var o *Order
		cat := pick(r, []string{"咨询", "其他"})
		created := uniformTime(r, p.From, g.w.End)
		if len(orders) > 0 && chance(r, 0.8) {
			o = &orders[r.IntN(len(orders))]
			cat = pick(r, []string{"退货", "物流", "投诉", "咨询"})
			created = o.Created.Add(time.Duration(1+r.IntN(7*24)) * time.Hour)
		}
		if t := timeOnDay(r, dayOf(created)); t.After(p.From) {
			created = t // people call during the day
		}
		if created.After(g.w.End.Add(-10 * time.Minute)) {
			continue
		}
		id := "TK" + created.In(Shanghai).
			Format("20060102") +
			fmt.Sprintf(
				"%08d",
				permute(uint64(p.Index)*4+uint64(k), g.ticketBits, g.seed^0x746b),
			)
		orderNo := ""
		if o != nil {
			orderNo = o.No
		}
		text := strings.NewReplacer("{order}", orderNo, "{city}", p.City.name).
			Replace(pick(r, ticketTemplates[cat]))
		if chance(r, 0.1) {
			text += "，回电 " + piiOf(r, p)
		}
		acct := &p.Accounts[0]
		if o != nil {
			acct = &p.Accounts[o.Account]
		}
		uid := acct.UID
		if chance(r, ticketNoUIDRate) {
			uid = ""
		}
		phone := ""
		if ph := acct.phoneAt(created); ph != "" && !chance(r, 0.05) {
			phone = ticketPhone(r, typo(r, ph))
		}
		name := ticketName(r, p)
		label := cat
		if cat == "投诉" && chance(r, 0.15) {
			label = "complaint"
		}
		updated := created.Add(time.Duration(r.IntN(1800)) * time.Second)
		status := pick(r, []string{"待处理", "待处理", "待处理", "处理中", "处理中"})
		row := []string{
			id,
			uid,
			phone,
			name,
			label,
			status,
			text,
			ticketTime(r, created),
			ticketTime(r, g.w.Clamp(updated)),
		}
		if chance(r, ticketBadRowRate) {
			row = row[:5]
		}
		rows = append(rows, dated[[]string]{g.w.dayIndex(g.w.Clamp(updated)), row})
		if chance(r, ticketFollowUpRate) {
			later := updated.Add(time.Duration(1+r.IntN(120)) * time.Hour)
			if !later.After(g.w.End) {
				next := copyRecord(row[:min(len(row), 9)])
				if len(next) == 9 {
					next[5] = pick(r, []string{"已解决", "已解决", "已解决", "closed", "处理中"})
					next[7] = ticketTime(r, created)
					next[8] = ticketTime(r, later)
					rows = append(rows, dated[[]string]{g.w.dayIndex(later), next})
				}
			}
		}
		ids = append(ids, id)
	}
	return rows, ids
}

// typo changes one digit after the prefix now and then, as agents mistype phones.
func typo(r *rand.Rand, phone string) string {
	if !chance(r, ticketTypoRate) {
		return phone
	}
	b := []byte(phone)
	i := between(r, 3, len(b)-1)
	b[i] = '0' + byte((int(b[i]-'0')+between(r, 1, 9))%10)
	return string(b)
}

// ticketPhone writes a phone the many ways agents and customers type it.
func ticketPhone(r *rand.Rand, p string) string {
	switch weighted(r, []float64{35, 15, 10, 15, 10, 5, 5, 5}) {
	case 1:
		return "+86 " + p[:3] + "-" + p[3:7] + "-" + p[7:]
	case 2:
		return "86" + p
	case 3:
		return p[:3] + " " + p[3:7] + " " + p[7:]
	case 4:
		return p[:3] + "-" + p[3:7] + "-" + p[7:]
	case 5:
		return toFullWidth(p)
	case 6:
		return "+86 " + p
	case 7:
		return "(+86)" + p
	}
	return p
}

// ticketName is the caller's name as the agent wrote it down.
func ticketName(r *rand.Rand, p *Person) string {
	switch weighted(r, []float64{60, 25, 10, 5}) {
	case 0:
		return p.Name()
	case 1:
		if p.Female {
			return p.Surname.han + "女士"
		}
		return p.Surname.han + "先生"
	case 2:
		return ""
	}
	return mixCase(r, p.Surname.pinyin) + " " + mixCase(r, p.givenPinyin())
}

// ticketTime writes a time in one of the ticket system's formats.
func ticketTime(r *rand.Rand, t time.Time) string {
	return t.In(Shanghai).
		Format([]string{layoutSlashHM, layoutNaive, layoutCompact}[weighted(r, []float64{40, 40, 20})])
}

var sites = []string{"dianping", "xiaohongshu", "weibo"}

// posts returns the person's review-site posts (with their ids, for the truth) and posts by
// strangers that belong to nobody, each with the day it was posted.
func (g *generator) posts(r *rand.Rand, p *Person, orders []Order) (
	lines []dated[[]byte], ids []string) {
	rate := postOtherRate
	if p.Life.Buyer() {
		rate = postBuyerRate
	}
	if chance(r, rate) {
		for k := 0; k < 1+boolToInt(chance(r, 0.2)); k++ {
			from := p.From
			if len(orders) > 0 {
				from = orders[0].Created.Add(24 * time.Hour)
			}
			if from.After(g.w.End) {
				continue
			}
			site := sites[weighted(r, []float64{35, 40, 25})]
			id := g.postID(r, site, uint64(p.Index)*8+uint64(k))
			st := stars(r, p.Mood, false)
			hint := ""
			if p.Phone != "" {
				switch weighted(r, []float64{30, 20, 50}) {
				case 0:
					hint = p.Phone[:3] + "****" + p.Phone[7:]
				case 1:
					hint = "尾号" + p.Phone[7:]
				}
			}
			cityS := ""
			if chance(r, 0.8) {
				cityS = p.City.name + pick(r, []string{"", "", "市"})
			}
			at := uniformTime(r, from, g.w.End)
			line := g.postLine(r, id, site, g.author(r, p), cityS, hint, st, p.FavTops[0], at)
			lines = append(lines, dated[[]byte]{g.w.dayIndex(at), line})
			ids = append(ids, id)
		}
	}
	if chance(r, postStrangerRate) {
		site := pick(r, sites)
		id := g.postID(r, site, uint64(p.Index)*8+4)
		author := pick(r, cuteNicknames) + strconv.Itoa(r.IntN(1000))
		c := pick(r, cities[weighted(r, cityTierWeights)]).name
		at := uniformTime(r, g.w.Start, g.w.End)
		line := g.postLine(r, id, site, author, c, "", 1+r.IntN(5), r.IntN(len(categoryTree)), at)
		lines = append(lines, dated[[]byte]{g.w.dayIndex(at), line})
	}
	return lines, ids
}

// postID makes the site's own id for post slot s.
func (g *generator) postID(r *rand.Rand, site string, s uint64) string {
	v := permute(s, g.postBits, g.seed^0x706f)
	switch site {
	case "dianping":
		return strconv.FormatUint(700000000+v, 10)
	case "weibo":
		return fmt.Sprintf("49%014d", v)
	}
	return fmt.Sprintf("%08x%016x", 0x65000000+r.IntN(1<<24), v)
}

// postLine encodes one review-site post.
func (g *generator) postLine(
	r *rand.Rand,
	id, site, author, cityS, hint string,
	st, top int,
	at time.Time,
) []byte {
	b := []byte(`{"id":`)
	b = appendJSONString(b, id)
	b = appendField(b, "site", site)
	b = appendField(b, "author", author)
	if cityS != "" {
		b = appendField(b, "city", cityS)
	}
	if hint != "" {
		b = appendField(b, "phone", hint)
	}
	if chance(r, 0.97) {
		b = append(b, `,"score":`...)
		b = strconv.AppendInt(b, int64(st), 10)
	}
	b = appendField(b, "body", postText(r, site, st, top, shopName))
	b = append(b, `,"time":"`...)
	switch weighted(r, []float64{40, 30, 30}) {
	case 0:
		b = appendLocal(b, at, "2006-01-02 15:04")
	case 1:
		b = appendLocal(b, at, layoutNaive)
	default:
		b = appendRFC3339Local(b, at)
	}
	return append(b, '"', '}')
}

// author is the person's nickname on a review site: their name, a pet name or their e-mail's
// local part, with the variations people make.
func (g *generator) author(r *rand.Rand, p *Person) string {
	local := p.Surname.pinyin + p.givenPinyin()
	if p.Email != "" {
		local = p.Email[:strings.IndexByte(p.Email, '@')]
	}
	switch weighted(r, []float64{20, 10, 10, 20, 15, 10, 15}) {
	case 0:
		return p.Name()
	case 1:
		g1 := p.Given[len(p.Given)-1].han
		return g1 + g1
	case 2:
		return "小" + p.Surname.han
	case 3:
		return local
	case 4:
		switch r.IntN(3) {
		case 0:
			return mixCase(r, local)
		case 1:
			return strings.TrimRight(local, "0123456789")
		}
		return local + "_" + strconv.Itoa(p.Birth.Year()%100)
	case 5:
		return mixCase(r, p.Surname.pinyin) + mixCase(r, p.givenPinyin())
	}
	return pick(r, cuteNicknames)
}
