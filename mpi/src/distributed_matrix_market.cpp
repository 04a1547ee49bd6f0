#include "ridgelens/mpi/distributed_matrix_market.hpp"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "ridgelens/error.hpp"

namespace ridgelens::mpi {
namespace {

struct Entry {
    PetscInt row;
    PetscInt col;
    double value;
};

std::string lower(std::string text) {
    std::transform(text.begin(), text.end(), text.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return text;
}

[[noreturn]] void fail(const std::string& path, std::int64_t line, const std::string& what) {
    throw InputError(path + ":" + std::to_string(line) + ": " + what);
}

struct Header {
    std::string field;
    std::string symmetry;
};

Header parse_banner(const std::string& path, const std::string& banner) {
    std::istringstream words(banner);
    std::string tag, object, format;
    Header header;
    words >> tag >> object >> format >> header.field >> header.symmetry;
    if (tag != "%%MatrixMarket")
        fail(path, 1, "not a Matrix Market file (no %%MatrixMarket banner)");
    object = lower(object);
    format = lower(format);
    header.field = lower(header.field);
    header.symmetry = lower(header.symmetry);
    if (object != "matrix" || format != "coordinate")
        fail(path, 1, "expected 'matrix coordinate', found '" + object + " " + format + "'");
    if (header.field != "real" && header.field != "integer" && header.field != "pattern")
        fail(path, 1, "field '" + header.field + "' is not supported (real, integer, pattern)");
    if (header.symmetry != "symmetric" && header.symmetry != "general")
        fail(path, 1, "symmetry '" + header.symmetry + "' is not supported (symmetric, general)");
    return header;
}

/// Inserts this rank's entries (rows [first, first+local)) into a new AIJ matrix.
OwnedMat assemble(MPI_Comm comm, PetscInt n, PetscInt first, PetscInt local,
                  std::vector<Entry>& entries) {
    std::sort(entries.begin(), entries.end(), [](const Entry& a, const Entry& b) {
        return a.row != b.row ? a.row < b.row : a.col < b.col;
    });
    std::vector<PetscInt> diagonal_block(static_cast<std::size_t>(local), 0);
    std::vector<PetscInt> off_block(static_cast<std::size_t>(local), 0);
    for (std::size_t e = 0; e < entries.size(); ++e) {
        if (e > 0 && entries[e].row == entries[e - 1].row && entries[e].col == entries[e - 1].col)
            continue;  // a duplicate: summed into one stored entry
        const std::size_t r = static_cast<std::size_t>(entries[e].row - first);
        const bool in_block = entries[e].col >= first && entries[e].col < first + local;
        ++(in_block ? diagonal_block : off_block)[r];
    }
    Mat matrix = nullptr;
    check(MatCreate(comm, &matrix), "MatCreate");
    OwnedMat owned(matrix);
    check(MatSetSizes(matrix, local, local, n, n), "MatSetSizes");
    check(MatSetType(matrix, MATAIJ), "MatSetType");
    check(MatSeqAIJSetPreallocation(matrix, 0, diagonal_block.data()), "MatSeqAIJSetPreallocation");
    check(MatMPIAIJSetPreallocation(matrix, 0, diagonal_block.data(), 0, off_block.data()),
          "MatMPIAIJSetPreallocation");
    std::vector<PetscInt> columns;
    std::vector<PetscScalar> values;
    for (std::size_t e = 0; e < entries.size();) {
        const PetscInt row = entries[e].row;
        columns.clear();
        values.clear();
        for (; e < entries.size() && entries[e].row == row; ++e) {
            columns.push_back(entries[e].col);
            values.push_back(entries[e].value);
        }
        check(MatSetValues(matrix, 1, &row, static_cast<PetscInt>(columns.size()), columns.data(),
                           values.data(), ADD_VALUES),
              "MatSetValues");
    }
    entries.clear();
    entries.shrink_to_fit();
    check(MatAssemblyBegin(matrix, MAT_FINAL_ASSEMBLY), "MatAssemblyBegin");
    check(MatAssemblyEnd(matrix, MAT_FINAL_ASSEMBLY), "MatAssemblyEnd");
    return owned;
}

/// H = (A + Aᵀ)/2 after checking max|A − Aᵀ| ≤ tolerance·max|A|.
OwnedMat symmetrize(const std::string& path, OwnedMat a, double tolerance,
                    DistributedMatrixFile& file) {
    Mat transpose = nullptr;
    check(MatTranspose(a.get(), MAT_INITIAL_MATRIX, &transpose), "MatTranspose");
    OwnedMat at(transpose);
    Mat difference = nullptr;
    check(MatDuplicate(a.get(), MAT_COPY_VALUES, &difference), "MatDuplicate");
    OwnedMat diff(difference);
    check(MatAXPY(difference, -1.0, transpose, DIFFERENT_NONZERO_PATTERN), "MatAXPY");
    PetscReal asymmetry = 0, largest = 0;
    check(MatNorm(difference, NORM_MAX, &asymmetry), "MatNorm");
    check(MatNorm(a.get(), NORM_MAX, &largest), "MatNorm");
    file.max_relative_asymmetry = largest > 0 ? asymmetry / largest : 0.0;
    if (!(asymmetry <= tolerance * largest)) {
        std::ostringstream message;
        message << path << ": the general matrix is not symmetric: max|a_ij − a_ji| = " << asymmetry
                << " exceeds the symmetry tolerance " << tolerance << " · max|a_ij| = " << largest;
        throw InputError(message.str());
    }
    if (asymmetry > 0) {
        std::ostringstream warning;
        warning << path << ": general matrix symmetrized as (A + Aᵀ)/2 (max relative asymmetry "
                << file.max_relative_asymmetry << ")";
        file.warnings.push_back(warning.str());
    }
    check(MatAXPY(a.get(), 1.0, transpose, DIFFERENT_NONZERO_PATTERN), "MatAXPY");
    check(MatScale(a.get(), 0.5), "MatScale");
    return a;
}

}  // namespace

DistributedMatrixFile read_distributed_matrix_market(MPI_Comm comm, const std::string& path,
                                                     double symmetry_tolerance) {
    std::ifstream in(path);
    if (!in) throw InputError(path + ": cannot open for reading");
    DistributedMatrixFile file;
    std::string line;
    std::int64_t line_number = 1;
    if (!std::getline(in, line)) fail(path, 1, "empty file");
    const Header header = parse_banner(path, line);
    file.field = header.field;
    file.symmetry = header.symmetry;

    long long rows = -1, cols = -1, count = -1;
    while (std::getline(in, line)) {
        ++line_number;
        if (line.empty() || line[0] == '%') continue;
        std::istringstream size_line(line);
        if (!(size_line >> rows >> cols >> count) || rows < 1 || cols < 1 || count < 0)
            fail(path, line_number, "malformed size line '" + line + "'");
        break;
    }
    if (rows < 0) fail(path, line_number, "no size line");
    if (rows != cols)
        fail(path, line_number,
             "H must be square, found " + std::to_string(rows) + "x" + std::to_string(cols));
    const PetscInt n = static_cast<PetscInt>(rows);
    file.n = n;

    PetscInt local = PETSC_DECIDE, global = n;
    check(PetscSplitOwnership(comm, &local, &global), "PetscSplitOwnership");
    PetscInt first = 0;
    MPI_Exscan(&local, &first, 1, MPIU_INT, MPI_SUM, comm);
    if (rank(comm) == 0) first = 0;
    const PetscInt last = first + local;
    const bool symmetric = header.symmetry == "symmetric";
    const bool pattern = header.field == "pattern";

    std::vector<Entry> entries;
    long long seen = 0;
    while (std::getline(in, line)) {
        ++line_number;
        const char* p = line.c_str();
        while (*p == ' ' || *p == '\t') ++p;
        if (*p == '\0' || *p == '%' || *p == '\r') continue;
        if (seen == count)
            fail(path, line_number, "more entries than the " + std::to_string(count) + " declared");
        char* end = nullptr;
        errno = 0;
        const long long i = std::strtoll(p, &end, 10);
        if (end == p) fail(path, line_number, "row index: expected an integer in '" + line + "'");
        p = end;
        const long long j = std::strtoll(p, &end, 10);
        if (end == p)
            fail(path, line_number, "column index: expected an integer in '" + line + "'");
        p = end;
        double value = 1.0;
        if (!pattern) {
            value = std::strtod(p, &end);
            if (end == p) fail(path, line_number, "value: expected a number in '" + line + "'");
            if (!std::isfinite(value))
                fail(path, line_number, "value: not finite in '" + line + "'");
        }
        if (i < 1 || i > rows || j < 1 || j > cols)
            fail(path, line_number,
                 "index (" + std::to_string(i) + ", " + std::to_string(j) + ") outside 1.." +
                     std::to_string(rows));
        if (symmetric && j > i)
            fail(path, line_number,
                 "a symmetric file stores the lower triangle; found (" + std::to_string(i) + ", " +
                     std::to_string(j) + ")");
        ++seen;
        const PetscInt r = static_cast<PetscInt>(i - 1), c = static_cast<PetscInt>(j - 1);
        if (r >= first && r < last) entries.push_back({r, c, value});
        if (symmetric && r != c && c >= first && c < last) entries.push_back({c, r, value});
    }
    if (seen != count)
        fail(path, line_number,
             "file ends after " + std::to_string(seen) + " of " + std::to_string(count) +
                 " declared entries");
    file.stored_entries = count;

    OwnedMat matrix = assemble(comm, n, first, local, entries);
    if (!symmetric) matrix = symmetrize(path, std::move(matrix), symmetry_tolerance, file);
    check(MatSetOption(matrix.get(), MAT_SYMMETRIC, PETSC_TRUE), "MatSetOption");
    check(MatSetOption(matrix.get(), MAT_SYMMETRY_ETERNAL, PETSC_TRUE), "MatSetOption");
    MatInfo info;
    check(MatGetInfo(matrix.get(), MAT_GLOBAL_SUM, &info), "MatGetInfo");
    file.nonzeros = static_cast<std::int64_t>(info.nz_used);
    file.matrix = std::move(matrix);
    return file;
}

}  // namespace ridgelens::mpi
