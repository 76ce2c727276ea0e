package gen

import (
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/parquet-go/parquet-go"
)

func TestZZDump(t *testing.T) {
	dir := os.Getenv("DUMP_DIR")
	if dir == "" {
		t.Skip()
	}
	ts := func(us int64) string {
		if us == 0 {
			return "null"
		}
		return time.UnixMicro(us).In(Shanghai).Format("2006-01-02 15:04:05")
	}
	users, _ := parquet.ReadFile[UserRow](dir + "/platform/users/part-00000.parquet")
	for _, u := range users[:25] {
		fmt.Printf("%s|%q|%q|%s|%q|%q|%d|%q|%q|%s|%s|%s|%v\n", u.UID, u.Mobile, u.Email, u.NickName, u.Gender, u.Birthday, u.Age, u.City, u.Province, u.RegChannel, ts(u.RegTime), ts(u.UpdateTime), u.MarketingOptIn)
	}
	orders, _ := parquet.ReadFile[OrderRow](dir + "/platform/orders/part-00000.parquet")
	for _, o := range orders[:15] {
		fmt.Printf("%s %s %s %s c=%s p=%s u=%s %.2f %.2f %.2f %q\n", o.OrderNo, o.UID, o.OrderStatus, o.Platform, ts(o.CreateTime), ts(o.PayTime), ts(o.UpdateTime), o.PayAmount, o.DiscountAmount, o.RefundAmount, o.CouponCode)
	}
	items, _ := parquet.ReadFile[OrderItemRow](dir + "/platform/order_items/part-00000.parquet")
	for _, o := range items[:8] {
		fmt.Printf("%+v\n", o)
	}
	prods, _ := parquet.ReadFile[ProductRow](dir + "/platform/products/products.parquet")
	for _, o := range prods[:12] {
		fmt.Printf("%s %s %s %s %.2f %s\n", o.SkuID, o.Title, o.CategoryPath, o.Brand, o.ListPrice, ts(o.UpdateTime))
	}
}
