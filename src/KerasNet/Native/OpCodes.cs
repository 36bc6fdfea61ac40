namespace KerasNet.Native;

// Mirrors the enums of src/native/include/knt.h; the numbers are the ABI.
internal enum BinaryOp { Add = 0, Sub, Mul, Div, Pow, Maximum, Minimum, Eq, Ne, Gt, Lt, Ge, Le, RSub, RDiv }

internal enum UnaryOp { Neg = 0, Exp, Log, Sqrt, Square, Abs, Floor, Round, Sign, Rsqrt }

internal enum ReduceOp { Sum = 0, Mean, Max, Min }

internal enum InplaceOp { Add = 0, Sub = 1, Mul = 2, Div = 3, Maximum = 5, Copy = 100, Fill = 101 }

internal enum ActivationOp { Relu = 0, Sigmoid, Tanh, Softplus, Elu, Selu, Silu, Gelu, Relu6 }

internal enum PoolOp { Max = 0, Avg = 1 }
