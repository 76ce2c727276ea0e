package normalize

// provinceSuffixes are the short names of China's 34 provincial-level divisions, each with the
// suffix its full name adds (广东省, 北京市, 广西壮族自治区, 香港特别行政区).
var provinceSuffixes = map[string]string{
	"北京": "市", "天津": "市", "上海": "市", "重庆": "市",
	"河北": "省", "山西": "省", "辽宁": "省", "吉林": "省", "黑龙江": "省", "江苏": "省", "浙江": "省",
	"安徽": "省", "福建": "省", "江西": "省", "山东": "省", "河南": "省", "湖北": "省", "湖南": "省",
	"广东": "省", "海南": "省", "四川": "省", "贵州": "省", "云南": "省", "陕西": "省", "甘肃": "省",
	"青海": "省", "台湾": "省",
	"内蒙古": "自治区", "广西": "壮族自治区", "西藏": "自治区", "宁夏": "回族自治区",
	"新疆": "维吾尔自治区",
	"香港": "特别行政区", "澳门": "特别行政区",
}

// Province folds a province written in full or short (广东省, 广东) to its short name, so that
// one province is one value; a value that names no province is returned folded, as it is.
func Province(raw string) string {
	s := Fold(raw)
	for short, suffix := range provinceSuffixes {
		if s == short || s == short+suffix {
			return short
		}
	}
	return s
}
