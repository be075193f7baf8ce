package gen

import (
	"go/types"

	"github.com/dave/jennifer/jen"
)

// validates reports whether a decoded value of type t has the method
// Validate() error: declared on t (or, t being addressable where generated
// code holds it, on *t), or promoted from an embedded field. Generated code
// calls it after decoding and before the handler; a failure follows the
// decode-error policy (see docs/siogen.md, "Validation").
func validates(t types.Type) bool {
	obj, _, _ := types.LookupFieldOrMethod(t, true, nil, "Validate")
	fn, ok := obj.(*types.Func)
	if !ok {
		return false
	}
	sig := fn.Type().(*types.Signature)
	return sig.Params().Len() == 0 && returnsError(sig)
}

// validate renders the validation of v, a decoded value of type t (a
// variable, so addressable), when t has Validate() error: nothing
// otherwise. failed is what the function returns when Validate fails; it
// refers to the failure as _sio_err (a *runtime.ValidationError). A pointer
// t is validated when it is not nil only.
func (r *renderer) validate(t types.Type, v *jen.Statement, failed jen.Code) []jen.Code {
	if !validates(t) {
		return nil
	}
	check := jen.If(
		jen.Id(prefix+"err").Op(":=").Add(r.qual(runtimePath, "Invalid")).Call(v.Clone().Dot("Validate").Call()),
		jen.Id(prefix+"err").Op("!=").Nil(),
	).Block(jen.Return(failed))
	if _, ok := types.Unalias(t).(*types.Pointer); ok {
		check = jen.If(v.Clone().Op("!=").Nil()).Block(check)
	}
	return []jen.Code{check}
}
