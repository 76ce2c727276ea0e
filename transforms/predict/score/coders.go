package score

import (
	"bytes"
	"encoding/gob"
	"encoding/json"
	"reflect"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/register"
)

// Coders of the stage's own types. The sample (one element per bundle, up to 2·MaxTrain rows) gets
// gob, the card (one element, pointers and nested tables) JSON, as it is written; the per-person
// elements (half, Row) Beam's schema coder.

func encodeSample(s *Sample) ([]byte, error) {
	var b bytes.Buffer
	err := gob.NewEncoder(&b).Encode(s)
	return b.Bytes(), err
}

func decodeSample(data []byte) (*Sample, error) {
	s := &Sample{}
	return s, gob.NewDecoder(bytes.NewReader(data)).Decode(s)
}

func encodeCard(c Card) ([]byte, error) { return json.Marshal(c) }

func decodeCard(data []byte) (Card, error) {
	var c Card
	return c, json.Unmarshal(data, &c)
}

func init() {
	register.Function1x2(encodeSample)
	register.Function1x2(decodeSample)
	register.Function1x2(encodeCard)
	register.Function1x2(decodeCard)
	beam.RegisterCoder(reflect.TypeOf((*Sample)(nil)), encodeSample, decodeSample)
	beam.RegisterCoder(reflect.TypeOf(Card{}), encodeCard, decodeCard)
	beam.RegisterType(reflect.TypeOf(Row{}))
}
