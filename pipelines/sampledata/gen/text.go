package gen

import (
	"math/rand/v2"
	"strings"
)

// Phrases that review texts are built from, so that a text's sentiment follows its stars. Written
// for this generator; no external corpus.
var (
	positiveGeneral = []string{
		"质量很好", "物流很快", "包装很精美", "性价比很高", "非常满意", "卖家服务态度很好", "和描述的一样",
		"已经回购好几次了", "推荐购买", "正品无疑", "比实体店便宜", "发货速度快", "超出预期", "五星好评",
	}
	positiveByTop = [][]string{
		{"用起来很滋润", "味道很好闻", "上脸很服帖", "一点都不油腻", "皮肤变好了"}, // 美妆
		{"尺码很标准", "面料很舒服", "上身效果很好看", "没有色差", "做工精细"},   // 服饰
		{"运行很流畅", "续航很给力", "音质不错", "做工精致", "拍照很清晰"},     // 数码
		{"很新鲜", "味道不错", "日期很新", "口感很好", "家里人都爱吃"},       // 食品
		{"宝宝很喜欢", "材质安全放心", "不红屁屁", "吸水性很好", "孩子玩得很开心"}, // 母婴
		{"做工扎实", "颜值很高", "很实用", "安装简单", "质感很好"},         // 家居
		{"穿着很舒服", "很轻便", "跑步不累脚", "透气性好", "弹性很好"},       // 运动
		{"印刷清晰", "纸张很好", "内容很精彩", "孩子爱看", "值得一读"},       // 图书
	}
	negativeGeneral = []string{
		"太差了", "质量很差", "物流太慢了", "包装破损", "和描述不符", "客服态度很差", "退货",
		"不会再买了", "差评", "怀疑是假货", "用了两天就坏了", "发错货了", "退款很麻烦",
	}
	negativeByTop = [][]string{
		{"用了过敏", "味道刺鼻", "搓泥严重", "感觉是假货"},
		{"色差严重", "洗一次就起球", "尺码偏小", "线头很多"},
		{"发热严重", "续航很差", "有杂音", "充不进电"},
		{"不新鲜", "快过期了", "太甜了", "有异味"},
		{"宝宝用了红屁屁", "有异味", "做工粗糙", "小零件容易掉"},
		{"有异味", "做工粗糙", "尺寸不对", "掉漆"},
		{"磨脚", "开胶了", "尺码不准", "不透气"},
		{"有破损", "印刷模糊", "缺页", "是盗版"},
	}
	mildNegative = []string{"就是物流慢了点", "包装有点简陋", "价格稍微有点贵", "赠品没有收到", "颜色比图片深一点"}
	neutral      = []string{
		"一般般吧", "还行", "中规中矩", "价格有点贵", "物流一般", "包装简单", "凑合用吧", "和想象的差不多",
		"有待观察", "用几天再来追评", "没有想象中好", "对得起这个价格",
	}
	// defaultReview is what the shop shows when a buyer leaves only stars.
	defaultReview = "此用户没有填写评价。"
	hashtags      = []string{"#好物分享", "#购物分享", "#种草", "#避雷", "#双11", "#开箱"}
)

// reviewText writes a Chinese review whose sentiment matches the stars (1-5).
func reviewText(r *rand.Rand, stars, top int) string {
	var parts []string
	add := func(list []string, n int) {
		for ; n > 0; n-- {
			parts = appendUnique(parts, pick(r, list))
		}
	}
	switch stars {
	case 5:
		add(positiveByTop[top], 1)
		add(positiveGeneral, between(r, 1, 2))
	case 4:
		add(positiveByTop[top], 1)
		add(positiveGeneral, between(r, 0, 1))
		if chance(r, 0.5) {
			add(mildNegative, 1)
		}
	case 3:
		add(neutral, between(r, 1, 2))
		if chance(r, 0.5) {
			add(mildNegative, 1)
		}
	case 2:
		add(negativeByTop[top], 1)
		add(neutral, 1)
	default:
		add(negativeByTop[top], 1)
		add(negativeGeneral, between(r, 1, 2))
	}
	r.Shuffle(len(parts), func(i, j int) { parts[i], parts[j] = parts[j], parts[i] })
	end := "。"
	switch {
	case stars >= 5 || stars <= 1:
		end = pick(r, []string{"！", "。", "!!", "~"})
	case stars == 4:
		end = pick(r, []string{"。", "~", ""})
	}
	return strings.Join(parts, "，") + end
}

// postText writes a longer review-site post: a review plus a little story, hashtags on xiaohongshu.
func postText(r *rand.Rand, site string, stars, top int, shop string) string {
	intro := pick(
		r,
		[]string{"在" + shop + "买的", "朋友推荐的" + shop, "第一次在" + shop + "下单", "双11在" + shop + "囤的货"},
	)
	body := intro + "，" + reviewText(r, stars, top)
	if chance(r, 0.5) {
		body += reviewText(r, stars, top)
	}
	if site == "xiaohongshu" {
		i := r.IntN(len(hashtags))
		body += " " + hashtags[i] + " " + hashtags[(i+1+r.IntN(len(hashtags)-1))%len(hashtags)]
	}
	return body
}
