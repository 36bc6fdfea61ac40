// The Keras .h5 weights layout through libhdf5's C API: string-array attributes, float datasets,
// groups. HDF5's own error printing is silenced; its error stack becomes our error message.
#include <hdf5.h>
#include <cstring>
#include <mutex>
#include <string>
#include <vector>
#include "boundary.h"

namespace {

herr_t collect(unsigned n, const H5E_error2_t* e, void* data) {
  auto* s = static_cast<std::string*>(data);
  if (e->desc && *e->desc) {
    if (!s->empty()) s->append("; ");
    s->append(e->desc);
  }
  return 0;
}

// Throws with HDF5's error stack (innermost reasons) when `status` signals failure.
template <typename T>
T check(T status, const std::string& what) {
  if (status < 0) {
    std::string msg;
    H5Ewalk2(H5E_DEFAULT, H5E_WALK_DOWNWARD, collect, &msg);
    H5Eclear2(H5E_DEFAULT);
    throw std::runtime_error(what + (msg.empty() ? "" : " (" + msg + ")"));
  }
  return status;
}

struct Id {  // closes an HDF5 id at scope exit
  hid_t id;
  herr_t (*close)(hid_t);
  ~Id() {
    if (id >= 0) close(id);
  }
};

// Debian's libhdf5 is the serial (not thread-safe) build: every HDF5 call of the process goes through
// this lock. HDF5 is opened once; its automatic error printing is turned off on each thread that calls
// in (a thread-safe build keeps an error stack per thread).
std::mutex& h5_lock() {
  static std::mutex m;
  return m;
}

void init_thread() {
  static std::once_flag opened;
  std::call_once(opened, [] { H5open(); });
  thread_local bool silenced = false;
  if (!silenced) {
    H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
    silenced = true;
  }
}

}  // namespace

// KNT_GUARD under the HDF5 lock, with the calling thread prepared.
#define KNT_H5(fail, ...)                        \
  KNT_GUARD(fail, {                              \
    std::lock_guard<std::mutex> h5_guard_(h5_lock()); \
    init_thread();                               \
    __VA_ARGS__                                  \
  })

extern "C" {

int64_t knt_h5_open(const char* path, int create) {
  KNT_H5(-1, {
    if (create) {
      // built in memory (the core driver, no backing store): HDF5 never writes to disk, so a full disk cannot
      // leave it with a file it failed to flush (and would crash closing at exit); knt_h5_file_image hands the
      // bytes to the caller, who writes them
      Id fapl{H5Pcreate(H5P_FILE_ACCESS), H5Pclose};
      check(H5Pset_fapl_core(fapl.id, 1 << 20, 0), "cannot set up an in-memory HDF5 file");
      return check(H5Fcreate(path, H5F_ACC_TRUNC, H5P_DEFAULT, fapl.id), "cannot create HDF5 file");
    }
    htri_t is = H5Fis_hdf5(path);
    H5Eclear2(H5E_DEFAULT);
    TORCH_CHECK(is > 0, "not an HDF5 file (no HDF5 signature, or truncated/unreadable)");
    return check(H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT), "cannot open HDF5 file (truncated or corrupt?)");
  })
}

int64_t knt_h5_file_image(int64_t file, void* buf, int64_t cap) {
  KNT_H5(-1, {
    check(H5Fflush(file, H5F_SCOPE_GLOBAL), "cannot flush the HDF5 file");
    ssize_t n = check(H5Fget_file_image(file, buf, buf ? static_cast<size_t>(cap) : 0), "cannot read the HDF5 file image");
    return static_cast<int64_t>(n);
  })
}

int knt_h5_close(int64_t file) {
  KNT_H5(-1, { return check(H5Fclose(file), "cannot close HDF5 file") < 0 ? -1 : 0; })
}

int knt_h5_exists(int64_t file, const char* path) {
  KNT_H5(-1, {
    // walk the path so a missing intermediate group is "absent", not an error
    std::string p(path), part;
    size_t pos = 0;
    while (pos != std::string::npos) {
      size_t next = p.find('/', pos);
      part = p.substr(0, next);
      if (!part.empty() && part != "/") {
        htri_t e = H5Lexists(file, part.c_str(), H5P_DEFAULT);
        H5Eclear2(H5E_DEFAULT);
        if (e <= 0) return 0;
      }
      pos = next == std::string::npos ? next : next + 1;
    }
    return 1;
  })
}

int knt_h5_create_group(int64_t file, const char* path) {
  KNT_H5(-1, {
    Id lcpl{H5Pcreate(H5P_LINK_CREATE), H5Pclose};
    H5Pset_create_intermediate_group(lcpl.id, 1);
    Id g{check(H5Gcreate2(file, path, lcpl.id, H5P_DEFAULT, H5P_DEFAULT), std::string("cannot create group ") + path), H5Gclose};
    return 0;
  })
}

int64_t knt_h5_read_strings(int64_t file, const char* path, const char* attr, char* buf, int64_t cap) {
  KNT_H5(-1, {
    htri_t has = H5Aexists_by_name(file, path, attr, H5P_DEFAULT);
    H5Eclear2(H5E_DEFAULT);
    if (has <= 0) return -2;
    Id a{check(H5Aopen_by_name(file, path, attr, H5P_DEFAULT, H5P_DEFAULT), std::string("cannot open attribute ") + attr), H5Aclose};
    Id type{check(H5Aget_type(a.id), "attribute type"), H5Tclose};
    Id space{check(H5Aget_space(a.id), "attribute space"), H5Sclose};
    hssize_t count = H5Sget_simple_extent_npoints(space.id);
    if (count <= 0) return 0;  // an empty list (h5py writes it with any type)
    TORCH_CHECK(H5Tget_class(type.id) == H5T_STRING, "attribute ", attr, " of ", path, " is not a string array");
    std::string joined;
    if (H5Tis_variable_str(type.id) > 0) {
      std::vector<char*> ptrs(count);
      Id mem{H5Tcopy(H5T_C_S1), H5Tclose};
      H5Tset_size(mem.id, H5T_VARIABLE);
      H5Tset_cset(mem.id, H5Tget_cset(type.id));  // HDF5 converts no UTF-8 to ASCII: read in the file's character set
      check(H5Aread(a.id, mem.id, ptrs.data()), "read attribute");
      for (auto* p : ptrs) {
        joined.append(p ? p : "");
        joined.push_back('\0');
      }
      H5Dvlen_reclaim(mem.id, space.id, H5P_DEFAULT, ptrs.data());
    } else {
      // one extra byte per string: the memory type is NUL-terminated, the file's may fill every byte
      size_t len = H5Tget_size(type.id) + 1;
      std::vector<char> raw(len * count);
      Id mem{H5Tcopy(H5T_C_S1), H5Tclose};
      H5Tset_size(mem.id, len);
      H5Tset_strpad(mem.id, H5T_STR_NULLTERM);
      H5Tset_cset(mem.id, H5Tget_cset(type.id));
      check(H5Aread(a.id, mem.id, raw.data()), "read attribute");
      for (hssize_t i = 0; i < count; i++) {
        const char* s = raw.data() + i * len;
        joined.append(s, strnlen(s, len));
        joined.push_back('\0');
      }
    }
    if (static_cast<int64_t>(joined.size()) <= cap) std::memcpy(buf, joined.data(), joined.size());
    return static_cast<int64_t>(joined.size());
  })
}

int knt_h5_write_strings(int64_t file, const char* path, const char* attr, const char* joined, int count) {
  KNT_H5(-1, {
    std::vector<std::string> items;
    const char* p = joined;
    size_t longest = 1;
    for (int i = 0; i < count; i++) {
      items.emplace_back(p);
      longest = std::max(longest, items.back().size());
      p += items.back().size() + 1;
    }
    // fixed-length strings, as Keras (h5py with numpy 'S' arrays) writes them
    std::vector<char> raw(longest * items.size(), '\0');
    for (size_t i = 0; i < items.size(); i++) std::memcpy(raw.data() + i * longest, items[i].data(), items[i].size());
    Id type{H5Tcopy(H5T_C_S1), H5Tclose};
    H5Tset_size(type.id, longest);
    H5Tset_strpad(type.id, H5T_STR_NULLPAD);
    hsize_t dims[1] = {items.size()};
    Id space{H5Screate_simple(1, dims, nullptr), H5Sclose};
    Id a{check(H5Acreate_by_name(file, path, attr, type.id, space.id, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT),
               std::string("cannot create attribute ") + attr), H5Aclose};
    if (!items.empty()) check(H5Awrite(a.id, type.id, raw.data()), "write attribute");
    return 0;
  })
}

int knt_h5_write_string(int64_t file, const char* path, const char* attr, const char* value) {
  KNT_H5(-1, {
    Id type{H5Tcopy(H5T_C_S1), H5Tclose};
    H5Tset_size(type.id, std::max<size_t>(1, std::strlen(value)));
    H5Tset_strpad(type.id, H5T_STR_NULLPAD);
    Id space{H5Screate(H5S_SCALAR), H5Sclose};
    Id a{check(H5Acreate_by_name(file, path, attr, type.id, space.id, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT),
               std::string("cannot create attribute ") + attr), H5Aclose};
    check(H5Awrite(a.id, type.id, value), "write attribute");
    return 0;
  })
}

int knt_h5_write_vlen_string(int64_t file, const char* path, const char* attr, const char* value) {
  KNT_H5(-1, {
    // a scalar variable-length UTF-8 string, as h5py writes a Python str: no 64 KiB object-header limit
    Id type{H5Tcopy(H5T_C_S1), H5Tclose};
    H5Tset_size(type.id, H5T_VARIABLE);
    H5Tset_cset(type.id, H5T_CSET_UTF8);
    Id space{H5Screate(H5S_SCALAR), H5Sclose};
    Id a{check(H5Acreate_by_name(file, path, attr, type.id, space.id, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT),
               std::string("cannot create attribute ") + attr), H5Aclose};
    const char* ptr = value;
    check(H5Awrite(a.id, type.id, &ptr), "write attribute");
    return 0;
  })
}

int knt_h5_dataset_shape(int64_t file, const char* path, int64_t* dims, int cap) {
  KNT_H5(-1, {
    Id d{check(H5Dopen2(file, path, H5P_DEFAULT), std::string("cannot open dataset ") + path), H5Dclose};
    Id space{check(H5Dget_space(d.id), "dataset space"), H5Sclose};
    int n = H5Sget_simple_extent_ndims(space.id);
    std::vector<hsize_t> h(n > 0 ? n : 1);
    H5Sget_simple_extent_dims(space.id, h.data(), nullptr);
    for (int i = 0; i < n && i < cap; i++) dims[i] = static_cast<int64_t>(h[i]);
    return n;
  })
}

int knt_h5_read_f32(int64_t file, const char* path, float* out, int64_t count) {
  KNT_H5(-1, {
    Id d{check(H5Dopen2(file, path, H5P_DEFAULT), std::string("cannot open dataset ") + path), H5Dclose};
    Id space{check(H5Dget_space(d.id), "dataset space"), H5Sclose};
    TORCH_CHECK(H5Sget_simple_extent_npoints(space.id) == count, "dataset ", path, " holds ",
                H5Sget_simple_extent_npoints(space.id), " values, expected ", count);
    check(H5Dread(d.id, H5T_NATIVE_FLOAT, H5S_ALL, H5S_ALL, H5P_DEFAULT, out),
          std::string("cannot read dataset ") + path + " (truncated file?)");
    return 0;
  })
}

int knt_h5_write_f32(int64_t file, const char* path, const float* data, const int64_t* dims, int ndim) {
  KNT_H5(-1, {
    std::vector<hsize_t> h(dims, dims + ndim);
    Id space{ndim == 0 ? H5Screate(H5S_SCALAR) : H5Screate_simple(ndim, h.data(), nullptr), H5Sclose};
    Id lcpl{H5Pcreate(H5P_LINK_CREATE), H5Pclose};
    H5Pset_create_intermediate_group(lcpl.id, 1);
    Id d{check(H5Dcreate2(file, path, H5T_IEEE_F32LE, space.id, lcpl.id, H5P_DEFAULT, H5P_DEFAULT),
               std::string("cannot create dataset ") + path), H5Dclose};
    check(H5Dwrite(d.id, H5T_NATIVE_FLOAT, H5S_ALL, H5S_ALL, H5P_DEFAULT, data), std::string("cannot write dataset ") + path);
    return 0;
  })
}

}  // extern "C"
