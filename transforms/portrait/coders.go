package portrait

import (
	"bytes"
	"encoding/gob"
	"encoding/json"
	"reflect"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/register"
)

// Coders of the stage's own types. The accumulators, one element per person and bundle, get their
// compact binary encoding; the global model stats (a handful of elements) and the model card (one)
// get the standard library's gob and JSON, which handle their maps and pointers.

func encodeAcc(a *Acc) []byte { return a.appendBinary(make([]byte, 0, 64)) }

func decodeAcc(data []byte) (*Acc, error) {
	a := &Acc{}
	return a, a.UnmarshalBinary(data)
}

func encodeStats(m *modelStats) ([]byte, error) {
	var b bytes.Buffer
	err := gob.NewEncoder(&b).Encode(m)
	return b.Bytes(), err
}

func decodeStats(data []byte) (*modelStats, error) {
	m := newModelStats()
	return m, gob.NewDecoder(bytes.NewReader(data)).Decode(m)
}

func encodeCard(c ModelCard) ([]byte, error) { return json.Marshal(c) }

func decodeCard(data []byte) (ModelCard, error) {
	var c ModelCard
	return c, json.Unmarshal(data, &c)
}

func init() {
	// Registered functions are called directly, not through reflection, for every element.
	register.Function1x1(encodeAcc)
	register.Function1x2(decodeAcc)
	register.Function1x1(encodeDays)
	register.Function1x2(decodeDays)
	register.Function1x2(encodeStats)
	register.Function1x2(decodeStats)
	register.Function1x2(encodeCard)
	register.Function1x2(decodeCard)
	beam.RegisterCoder(reflect.TypeOf((*Acc)(nil)), encodeAcc, decodeAcc)
	beam.RegisterCoder(reflect.TypeOf(days{}), encodeDays, decodeDays)
	beam.RegisterCoder(reflect.TypeOf((*modelStats)(nil)), encodeStats, decodeStats)
	beam.RegisterCoder(reflect.TypeOf(ModelCard{}), encodeCard, decodeCard)
	beam.RegisterType(reflect.TypeOf(orderFact{}))
	beam.RegisterType(reflect.TypeOf(trained{}))
	beam.RegisterType(reflect.TypeOf(ratedText{}))
	beam.RegisterType(reflect.TypeOf(personStat{}))
	beam.RegisterType(reflect.TypeOf(PersonDays{}))
}
