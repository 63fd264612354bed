#include "server/app/org_command.h"

#include <sodium.h>

#include <chrono>
#include <iostream>

#include "crypto/certificate.h"
#include "crypto/key_file.h"
#include "server/app/key_files.h"

namespace haven::app {
namespace {

constexpr std::size_t kMinimumPassphrase = 12;

int Failed(const std::string& message) {
  std::cerr << "haven: " << message << "\n";
  return 1;
}

std::uint64_t NowSeconds() {
  return static_cast<std::uint64_t>(
      std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count());
}

}  // namespace

std::expected<void, std::string> WriteRootPublicKeyFile(const std::filesystem::path& dir, const crypto::PublicKey& key) {
  std::string text = crypto::ToHex(key) + "\n";
  return WriteNewFile(dir / kRootPublicKeyFile, crypto::ByteView(reinterpret_cast<const std::uint8_t*>(text.data()), text.size()),
                      0644);
}

int RunOrgInit(const OrgInitOptions& options) {
  if (!crypto::InitSodium()) return Failed("libsodium could not initialise");
  std::error_code ec;
  std::filesystem::create_directories(options.dir, ec);
  auto passphrase = ReadPassphrase(options.passphrase_file, "New passphrase for the org root key", true,
                                   kMinimumPassphrase);
  if (!passphrase) return Failed(passphrase.error());
  crypto::SigningKey root = crypto::SigningKey::Generate();
  auto file = crypto::EncodeKeyFile(crypto::KeyFileKind::kOrgRoot, root, crypto::AsText(passphrase->bytes()));
  if (!file) return Failed(std::string(crypto::Sentence(file.error().code)));
  if (auto written = WriteNewFile(options.dir / kRootKeyFile, *file, 0600); !written) return Failed(written.error());
  if (auto written = WriteRootPublicKeyFile(options.dir, root.public_key()); !written) return Failed(written.error());
  std::cout << "Org root key created: " << (options.dir / kRootKeyFile).string() << "\n"
            << "Public key:  " << crypto::ToHex(root.public_key()) << " (also in " << kRootPublicKeyFile << ")\n"
            << "Fingerprint: " << crypto::FingerprintForPeople(root.public_key()) << "\n"
            << "Publish the fingerprint with the embed snippet. After `haven org signing-key`, move "
            << kRootKeyFile << " offline\n"
            << "(haven serve needs only " << kRootPublicKeyFile << ") and keep its passphrase offline too.\n";
  return 0;
}

int RunOrgSigningKey(const SigningKeyOptions& options) {
  if (!crypto::InitSodium()) return Failed("libsodium could not initialise");
  if (options.days < 1 || options.days > 366) return Failed("--days must be from 1 to 366");
  if (!crypto::IsValidDisplayName(options.organisation_name) || options.organisation_name.empty()) {
    return Failed("--name must be 1 to 128 bytes of text without control characters");
  }
  auto root_file = ReadSmallFile(options.dir / kRootKeyFile, crypto::kKeyFileSize);
  if (!root_file) return Failed(root_file.error());
  auto root_passphrase = ReadPassphrase(options.root_passphrase_file, "Passphrase of the org root key", false, 1);
  if (!root_passphrase) return Failed(root_passphrase.error());
  auto root = crypto::OpenKeyFile(*root_file, crypto::KeyFileKind::kOrgRoot, crypto::AsText(root_passphrase->bytes()));
  if (!root) return Failed(std::string(crypto::Sentence(root.error().code)));
  auto passphrase = ReadPassphrase(options.passphrase_file, "New passphrase for the org signing key", true,
                                   kMinimumPassphrase);
  if (!passphrase) return Failed(passphrase.error());

  crypto::SigningKey signing = crypto::SigningKey::Generate();
  crypto::CertificateFields fields;
  fields.role = crypto::CertificateRole::kOrgSigning;
  fields.subject_key = signing.public_key();
  randombytes_buf(fields.serial.data(), fields.serial.size());
  fields.not_before = NowSeconds();
  fields.not_after = fields.not_before + static_cast<std::uint64_t>(options.days) * 86400;
  fields.handle = "org-signing";
  fields.name = options.organisation_name;
  auto certificate = crypto::IssueCertificate(fields, *root);
  if (!certificate) return Failed(std::string(crypto::Sentence(certificate.error().code)));
  auto file = crypto::EncodeKeyFile(crypto::KeyFileKind::kOrgSigning, signing, crypto::AsText(passphrase->bytes()));
  if (!file) return Failed(std::string(crypto::Sentence(file.error().code)));
  if (auto written = WriteNewFile(options.dir / kSigningKeyFile, *file, 0600); !written) return Failed(written.error());
  if (auto written = WriteNewFile(options.dir / kSigningCertificateFile, certificate->encoded, 0644); !written) {
    return Failed(written.error());
  }
  std::cout << "Org signing key created: " << (options.dir / kSigningKeyFile).string() << "\n"
            << "Certificate: " << (options.dir / kSigningCertificateFile).string() << " (serial "
            << crypto::ToHex(fields.serial) << ", valid " << options.days << " days)\n";
  return 0;
}

}  // namespace haven::app
