// Image decode/encode/resize through OpenCV. Images cross the boundary as HWC tensors, RGB order.
#include <atomic>
#include <cmath>
#include <csetjmp>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <jpeglib.h>
#include <jerror.h>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include "boundary.h"

using knt::T;
using knt::wrap;

namespace {

// ---- decompression bombs: the pixel count is checked from the header, before anything is allocated

// PIL refuses (DecompressionBombError) images of more than twice its MAX_IMAGE_PIXELS, 89,478,485.
constexpr int64_t kDefaultMaxPixels = 2 * 89478485LL;
std::atomic<int64_t> g_max_pixels{kDefaultMaxPixels};

void check_pixels(int64_t width, int64_t height, const char* format) {
  int64_t limit = g_max_pixels.load();
  TORCH_CHECK(width > 0 && height > 0, format, " header declares a ", width, "x", height, " image");
  if (limit > 0 && width > limit / height)
    TORCH_CHECK(false, "refusing a possible decompression bomb: the ", format, " header declares ", width, "x", height, " = ",
                width * height, " pixels, more than the limit of ", limit,
                " (as PIL's MAX_IMAGE_PIXELS; raise it with KERASNET_MAX_IMAGE_PIXELS or Image.MaxImagePixels, 0 = no limit)");
}

uint32_t be32(const uint8_t* p) { return (uint32_t(p[0]) << 24) | (uint32_t(p[1]) << 16) | (uint32_t(p[2]) << 8) | p[3]; }
uint32_t le32(const uint8_t* p) { return uint32_t(p[0]) | (uint32_t(p[1]) << 8) | (uint32_t(p[2]) << 16) | (uint32_t(p[3]) << 24); }
uint16_t le16(const uint8_t* p) { return uint16_t(p[0] | (p[1] << 8)); }

// The dimensions PNG, BMP and GIF headers declare (JPEG's come from libjpeg's own header read).
void check_header_pixels(const uint8_t* b, int64_t n) {
  if (n >= 24 && std::memcmp(b, "\x89PNG\r\n\x1a\n", 8) == 0 && std::memcmp(b + 12, "IHDR", 4) == 0)
    check_pixels(be32(b + 16), be32(b + 20), "PNG");
  else if (n >= 26 && b[0] == 'B' && b[1] == 'M')
    check_pixels(std::abs(int32_t(le32(b + 18))), std::abs(int32_t(le32(b + 22))), "BMP");
  else if (n >= 10 && (std::memcmp(b, "GIF87a", 6) == 0 || std::memcmp(b, "GIF89a", 6) == 0))
    check_pixels(le16(b + 6), le16(b + 8), "GIF");
}

// ---- JPEG through libjpeg itself: its header gives the size before any pixel is allocated, and its own
// warnings tell a truncated file ("Premature end of JPEG file": libjpeg pads the rest with grey), which
// PIL refuses too. No end-marker search, which an embedded thumbnail's marker would fool.

struct JpegErrors {
  jpeg_error_mgr mgr;
  jmp_buf jump;
  char message[JMSG_LENGTH_MAX];
  bool premature_end;
};

void jpeg_fail(j_common_ptr c) {
  auto* e = reinterpret_cast<JpegErrors*>(c->err);
  (*c->err->format_message)(c, e->message);
  longjmp(e->jump, 1);
}

void jpeg_note(j_common_ptr c, int level) {
  if (level < 0 && c->err->msg_code == JWRN_JPEG_EOF) reinterpret_cast<JpegErrors*>(c->err)->premature_end = true;
}

enum JpegOutcome { kJpegDecoded = 0, kJpegNotHandled = 1, kJpegFailed = 2, kJpegTruncated = 3, kJpegTooLarge = 4 };

// Plain C on purpose: libjpeg reports errors by longjmp, which must not cross C++ objects. On success *out
// is malloc'd rows of height x width x components bytes.
JpegOutcome decode_jpeg_c(const uint8_t* bytes, int64_t n, int channels, int64_t max_pixels, unsigned char** out,
                          int* height, int* width, int* components, char* message) {
  jpeg_decompress_struct cinfo;
  JpegErrors err;
  cinfo.err = jpeg_std_error(&err.mgr);
  err.mgr.error_exit = jpeg_fail;
  err.mgr.emit_message = jpeg_note;
  err.premature_end = false;
  err.message[0] = '\0';
  unsigned char* volatile buf = nullptr;
  if (setjmp(err.jump)) {
    jpeg_destroy_decompress(&cinfo);
    std::free(buf);
    std::snprintf(message, JMSG_LENGTH_MAX, "%s", err.message);
    return kJpegFailed;
  }
  jpeg_create_decompress(&cinfo);
  jpeg_mem_src(&cinfo, bytes, static_cast<unsigned long>(n));
  jpeg_read_header(&cinfo, TRUE);
  if (cinfo.jpeg_color_space == JCS_CMYK || cinfo.jpeg_color_space == JCS_YCCK) {  // OpenCV converts these
    jpeg_destroy_decompress(&cinfo);
    return kJpegNotHandled;
  }
  *width = static_cast<int>(cinfo.image_width);
  *height = static_cast<int>(cinfo.image_height);
  if (max_pixels > 0 && static_cast<int64_t>(cinfo.image_width) > max_pixels / std::max<int64_t>(1, cinfo.image_height)) {
    jpeg_destroy_decompress(&cinfo);
    return kJpegTooLarge;
  }
  bool grey = channels == 1 || (channels == 0 && cinfo.num_components == 1);
  cinfo.out_color_space = grey ? JCS_GRAYSCALE : JCS_RGB;
  jpeg_start_decompress(&cinfo);
  size_t stride = static_cast<size_t>(cinfo.output_width) * cinfo.output_components;
  buf = static_cast<unsigned char*>(std::malloc(stride * cinfo.output_height + 1));
  if (buf == nullptr) {
    jpeg_destroy_decompress(&cinfo);
    std::snprintf(message, JMSG_LENGTH_MAX, "out of memory");
    return kJpegFailed;
  }
  while (cinfo.output_scanline < cinfo.output_height) {
    JSAMPROW row = buf + stride * cinfo.output_scanline;
    jpeg_read_scanlines(&cinfo, &row, 1);
  }
  jpeg_finish_decompress(&cinfo);
  *components = cinfo.output_components;
  *height = static_cast<int>(cinfo.output_height);
  *width = static_cast<int>(cinfo.output_width);
  jpeg_destroy_decompress(&cinfo);
  if (err.premature_end) {
    std::free(buf);
    return kJpegTruncated;
  }
  *out = buf;
  return kJpegDecoded;
}

bool is_jpeg(const uint8_t* b, int64_t n) { return n >= 3 && b[0] == 0xFF && b[1] == 0xD8 && b[2] == 0xFF; }

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
    TORCH_CHECK(bytes != nullptr, "null image buffer");
    if (is_jpeg(bytes, n)) {
      unsigned char* pixels = nullptr;
      int h = 0, w = 0, c = 0;
      char message[JMSG_LENGTH_MAX] = {0};
      auto outcome = decode_jpeg_c(bytes, n, channels, g_max_pixels.load(), &pixels, &h, &w, &c, message);
      if (outcome == kJpegTooLarge) check_pixels(w, h, "JPEG");  // throws, naming the size and the limit
      TORCH_CHECK(outcome != kJpegTruncated, "truncated JPEG (premature end of data: libjpeg would fill the rest with grey)");
      TORCH_CHECK(outcome != kJpegFailed, "corrupt JPEG (", message, ")");
      if (outcome == kJpegDecoded) {
        auto img = at::from_blob(pixels, {h, w, c}, [](void* p) { std::free(p); }, at::kByte);
        // libjpeg gave RGB for 3 and 4 (grey sources converted), grey for 1, as stored for 0
        if (channels == 4) return wrap(at::cat({img, at::full({h, w, 1}, 255, at::kByte)}, 2));  // opaque alpha, as OpenCV
        return wrap(img);
      }
      // CMYK / YCCK: OpenCV below
    } else {
      check_header_pixels(bytes, n);
    }
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

int64_t knt_image_max_pixels(int64_t limit) {
  knt::clear_error();
  if (limit >= 0) g_max_pixels.store(limit);
  return g_max_pixels.load();
}

}  // extern "C"
