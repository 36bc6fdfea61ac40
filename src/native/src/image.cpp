// Image decode/encode/resize through OpenCV. Images cross the boundary as HWC tensors, RGB order.
#include <cmath>
#include <cstring>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include "boundary.h"

using knt::T;
using knt::wrap;

namespace {

// A JPEG must end with its EOI marker (FF D9), possibly followed by padding; libjpeg silently fills a
// truncated one with grey, which would train on garbage.
bool jpeg_truncated(const uint8_t* b, int64_t n) {
  if (n < 4 || b[0] != 0xFF || b[1] != 0xD8) return false;
  int64_t from = n > 65536 ? n - 65536 : 2;
  for (int64_t i = n - 2; i >= from; i--)
    if (b[i] == 0xFF && b[i + 1] == 0xD9) return false;
  return true;
}

at::Tensor from_mat(const cv::Mat& m) {
  cv::Mat c = m.isContinuous() ? m : m.clone();
  auto t = at::empty({c.rows, c.cols, c.channels()}, at::kByte);
  std::memcpy(t.data_ptr(), c.data, t.numel());
  return t;
}

}  // namespace

extern "C" {

knt_tensor knt_image_decode(const uint8_t* bytes, int64_t n, int channels) {
  KNT_GUARD(nullptr, {
    TORCH_CHECK(n > 0, "empty file (0 bytes)");
    TORCH_CHECK(!jpeg_truncated(bytes, n), "truncated JPEG (no end-of-image marker)");
    // Keras (PIL) does not apply EXIF orientation, so neither do we.
    int flags = cv::IMREAD_IGNORE_ORIENTATION;
    if (channels == 1) flags |= cv::IMREAD_GRAYSCALE;
    else if (channels == 3) flags |= cv::IMREAD_COLOR;
    else flags = cv::IMREAD_UNCHANGED;
    cv::Mat buf(1, static_cast<int>(n), CV_8U, const_cast<uint8_t*>(bytes));
    cv::Mat img = cv::imdecode(buf, flags);
    TORCH_CHECK(!img.empty(), "not a decodable image (unknown format or corrupt data)");
    if (img.depth() != CV_8U) img.convertTo(img, CV_8U, img.depth() == CV_16U ? 1.0 / 257.0 : 1.0);
    if (img.channels() == 3) cv::cvtColor(img, img, cv::COLOR_BGR2RGB);
    else if (img.channels() == 4) cv::cvtColor(img, img, cv::COLOR_BGRA2RGBA);
    if (channels == 4 && img.channels() == 3) cv::cvtColor(img, img, cv::COLOR_RGB2RGBA);
    if (channels == 4 && img.channels() == 1) cv::cvtColor(img, img, cv::COLOR_GRAY2RGBA);
    return wrap(from_mat(img));
  })
}

knt_tensor knt_image_resize(knt_tensor img, int64_t height, int64_t width, int mode) {
  KNT_GUARD(nullptr, {
    const auto& x = T(img);
    TORCH_CHECK(x.dim() == 3, "resize expects an HWC image, got shape ", x.sizes());
    TORCH_CHECK(height > 0 && width > 0, "resize to ", height, "x", width);
    int64_t h = x.size(0), w = x.size(1);
    if (mode == 0) {
      // PIL's NEAREST, which keras.utils.load_img uses, computed exactly as Pillow's ImagingScaleAffine
      // does: the source coordinate starts at scale/2 and accumulates `scale` per output pixel (the
      // accumulation, not (x + 0.5) * scale, decides ties at integer boundaries).
      auto table = [](int64_t in, int64_t out) {
        auto idx = at::empty({out}, at::kLong);
        auto* p = idx.data_ptr<int64_t>();
        double scale = static_cast<double>(in) / static_cast<double>(out);
        double xo = scale * 0.5;
        for (int64_t i = 0; i < out; i++, xo += scale) p[i] = std::min<int64_t>(static_cast<int64_t>(xo), in - 1);
        return idx;
      };
      return wrap(x.index_select(0, table(h, height)).index_select(1, table(w, width)).contiguous());
    }
    if (mode == 2) {
      // TensorFlow 2's nearest (half-pixel centres): source = min(floor((dst + 0.5) * in / out), in - 1) in float
      auto table = [](int64_t in, int64_t out) {
        auto idx = at::empty({out}, at::kLong);
        auto* p = idx.data_ptr<int64_t>();
        float scale = static_cast<float>(in) / static_cast<float>(out);
        for (int64_t i = 0; i < out; i++)
          p[i] = std::min<int64_t>(static_cast<int64_t>(std::floor((static_cast<float>(i) + 0.5f) * scale)), in - 1);
        return idx;
      };
      return wrap(x.index_select(0, table(h, height)).index_select(1, table(w, width)).contiguous());
    }
    TORCH_CHECK(mode == 1, "unknown resize mode ", mode);
    // bilinear with half-pixel centres, in float (exact values, no fixed-point rounding)
    auto f = x.to(at::kFloat).contiguous();
    int c = static_cast<int>(f.size(2));
    TORCH_CHECK(c <= CV_CN_MAX, "too many channels: ", c);
    cv::Mat src(static_cast<int>(h), static_cast<int>(w), CV_MAKETYPE(CV_32F, c), f.data_ptr());
    auto out = at::empty({height, width, c}, at::kFloat);
    cv::Mat dst(static_cast<int>(height), static_cast<int>(width), CV_MAKETYPE(CV_32F, c), out.data_ptr());
    cv::resize(src, dst, dst.size(), 0, 0, cv::INTER_LINEAR);
    return wrap(out);
  })
}

knt_tensor knt_image_affine(knt_tensor img, const double* m, int border, double cval) {
  KNT_GUARD(nullptr, {
    auto f = T(img).to(at::kFloat).contiguous();
    TORCH_CHECK(f.dim() == 3 && f.size(2) >= 1 && f.size(2) <= 4, "affine transform expects an HWC image with 1-4 channels, got shape ",
                f.sizes());
    int modes[] = {cv::BORDER_CONSTANT, cv::BORDER_REPLICATE, cv::BORDER_REFLECT, cv::BORDER_WRAP};
    TORCH_CHECK(border >= 0 && border <= 3, "unknown border mode ", border);
    int h = static_cast<int>(f.size(0)), w = static_cast<int>(f.size(1)), c = static_cast<int>(f.size(2));
    cv::Mat src(h, w, CV_MAKETYPE(CV_32F, c), f.data_ptr());
    auto out = at::empty({h, w, c}, at::kFloat);
    cv::Mat dst(h, w, CV_MAKETYPE(CV_32F, c), out.data_ptr());
    cv::Mat M = (cv::Mat_<double>(2, 3) << m[0], m[1], m[2], m[3], m[4], m[5]);
    cv::warpAffine(src, dst, M, dst.size(), cv::INTER_LINEAR | cv::WARP_INVERSE_MAP, modes[border], cv::Scalar::all(cval));
    return wrap(out);
  })
}

int knt_image_encode(knt_tensor img, const char* ext, uint8_t** out, int64_t* n) {
  KNT_GUARD(-1, {
    TORCH_CHECK(T(img).scalar_type() == at::kByte, "encode expects a uint8 image (values 0-255), got ", T(img).scalar_type(),
                " of shape ", T(img).sizes(), "; convert it first (keras.utils.save_img rounds and clamps float arrays)");
    auto x = T(img).contiguous();
    TORCH_CHECK(x.dim() == 3 && (x.size(2) == 1 || x.size(2) == 3 || x.size(2) == 4),
                "encode expects an HWC image with 1, 3 or 4 channels, got shape ", x.sizes());
    cv::Mat m(static_cast<int>(x.size(0)), static_cast<int>(x.size(1)), CV_MAKETYPE(CV_8U, static_cast<int>(x.size(2))),
              x.data_ptr());
    cv::Mat bgr;
    if (x.size(2) == 3) cv::cvtColor(m, bgr, cv::COLOR_RGB2BGR);
    else if (x.size(2) == 4) cv::cvtColor(m, bgr, cv::COLOR_RGBA2BGRA);
    else bgr = m;
    std::vector<uint8_t> buf;
    TORCH_CHECK(cv::imencode(ext, bgr, buf), "cannot encode as ", ext);
    *out = static_cast<uint8_t*>(std::malloc(buf.size()));
    TORCH_CHECK(*out != nullptr, "out of memory");
    std::memcpy(*out, buf.data(), buf.size());
    *n = static_cast<int64_t>(buf.size());
    return 0;
  })
}

void knt_buffer_free(uint8_t* p) { std::free(p); }

}  // extern "C"
